"""The database refuses a span that ends past its document's text.

A check constraint cannot look at another table, so this is a trigger, on
each of the two databases we run on. Document.length is the text's length in
code points (a check constraint keeps it true), so the trigger never reads
the text itself. Both raise an integrity error (SQLSTATE 23514 on PostgreSQL,
a constraint abort on SQLite).
"""
from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION annotator_span_within_text() RETURNS trigger AS $$
BEGIN
    IF NEW."end" > (SELECT length FROM annotator_document WHERE id = NEW.document_id) THEN
        RAISE EXCEPTION 'span [%, %) ends past the text of document %',
            NEW.start, NEW."end", NEW.document_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER annotator_span_within_text
    BEFORE INSERT OR UPDATE OF start, "end", document_id ON annotator_span
    FOR EACH ROW EXECUTE FUNCTION annotator_span_within_text();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS annotator_span_within_text ON annotator_span;
DROP FUNCTION IF EXISTS annotator_span_within_text();
"""

SQLITE_UP = [
    """
    CREATE TRIGGER annotator_span_within_text_insert BEFORE INSERT ON annotator_span
    WHEN NEW."end" > (SELECT length FROM annotator_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span ends past the text of its document'); END;
    """,
    """
    CREATE TRIGGER annotator_span_within_text_update BEFORE UPDATE OF start, "end", document_id
    ON annotator_span
    WHEN NEW."end" > (SELECT length FROM annotator_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span ends past the text of its document'); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS annotator_span_within_text_insert;",
    "DROP TRIGGER IF EXISTS annotator_span_within_text_update;",
]


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No span trigger for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)
    return apply


def sqlite_triggers_again(apps, schema_editor):
    """For a later migration that rebuilds annotator_span on SQLite (a rebuild drops the
    table's triggers): make them again. PostgreSQL keeps its trigger through ALTER TABLE."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_DOWN + SQLITE_UP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("annotator", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}),
            _run({"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}),
        ),
    ]
