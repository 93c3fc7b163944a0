"""Stamps of what a document's read shows (models/changes.py), kept by the database.

Triggers on the tables a document's detail reads: spans, attributions, claim fragments,
annotators' statuses (per layer: the row's annotator, 0 for suggestions), the document
row, and a label's name (the documents whose spans use it). PostgreSQL: one trigger per
statement (transition tables), stamps from a sequence; SQLite: one per row, random()
stamps (a counter would come back with a rolled back transaction).

A later migration that rebuilds one of these tables on SQLite (a rebuild drops its
triggers) calls sqlite_triggers_again, as 0002's does for the span's offsets trigger.
"""
from django.db import migrations, models

# Tables whose rows carry document_id and annotator_id (the layer; null: suggestions).
LAYERED = ("annotator_span", "annotator_attribution", "annotator_documentstatus")
CHANGE = "annotator_documentchange"
UPSERT = "ON CONFLICT (document_id, layer) DO UPDATE SET stamp = excluded.stamp"

_SEQUENCE = "nextval('annotator_documentchange_stamp')"
# What each kind of table's changed rows (`{rows}`) stamp, as a statement.
_PG_STAMPS = {
    "layered": f"""INSERT INTO {CHANGE} (document_id, layer, stamp)
        SELECT d, l, {_SEQUENCE} FROM (SELECT DISTINCT document_id AS d,
        coalesce(annotator_id, 0) AS l FROM {{rows}} r ORDER BY 1, 2) c {UPSERT}""",
    "fragment": f"""INSERT INTO {CHANGE} (document_id, layer, stamp)
        SELECT d, l, {_SEQUENCE} FROM (SELECT DISTINCT a.document_id AS d,
        coalesce(a.annotator_id, 0) AS l FROM {{rows}} r
        JOIN annotator_attribution a ON a.id = r.attribution_id ORDER BY 1, 2) c {UPSERT}""",
    "document": f"""INSERT INTO {CHANGE} (document_id, layer, stamp)
        SELECT id, 0, {_SEQUENCE} FROM (SELECT DISTINCT id FROM {{rows}} r) c {UPSERT}""",
}
_ROWS = {"INSERT": "new_rows", "DELETE": "old_rows",
         "UPDATE": "(SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows)"}
_TABLES = {**{table: "layered" for table in LAYERED}, "annotator_claimfragment": "fragment",
           "annotator_document": "document"}


def _pg_function(kind: str) -> str:
    branches = []
    for op, rows in _ROWS.items():
        if kind == "document" and op == "DELETE":
            statement = f"DELETE FROM {CHANGE} WHERE document_id IN (SELECT id FROM old_rows)"
        else:
            statement = _PG_STAMPS[kind].format(rows=rows)
        branches.append(f"IF TG_OP = '{op}' THEN {statement}; END IF;")
    return (f"CREATE FUNCTION annotator_{kind}_changed() RETURNS trigger AS $$ BEGIN "
            f"{' '.join(branches)} RETURN NULL; END; $$ LANGUAGE plpgsql")


_REFERENCING = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
POSTGRES_UP = [
    "CREATE SEQUENCE annotator_documentchange_stamp",
    *(_pg_function(kind) for kind in _PG_STAMPS),
    *(f"CREATE TRIGGER {table}_changed_{op.lower()} AFTER {op} ON {table} REFERENCING "
      f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION annotator_{kind}_changed()"
      for table, kind in _TABLES.items() for op, referencing in _REFERENCING.items()),
    # A label renamed: the documents whose spans carry it.
    f"""CREATE FUNCTION annotator_label_changed() RETURNS trigger AS $$ BEGIN
        INSERT INTO {CHANGE} (document_id, layer, stamp)
        SELECT d, 0, {_SEQUENCE} FROM (SELECT DISTINCT s.document_id AS d
        FROM annotator_span s JOIN new_rows n ON n.id = s.label_id
        JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name ORDER BY 1) c
        {UPSERT}; RETURN NULL; END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER annotator_label_changed_update AFTER UPDATE ON annotator_label "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION annotator_label_changed()",
    f"INSERT INTO {CHANGE} (document_id, layer, stamp) SELECT id, 0, {_SEQUENCE} "
    f"FROM annotator_document",
]
POSTGRES_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {table}_changed_{op.lower()} ON {table}"
      for table in _TABLES for op in _REFERENCING),
    "DROP TRIGGER IF EXISTS annotator_label_changed_update ON annotator_label",
    *(f"DROP FUNCTION IF EXISTS annotator_{kind}_changed()" for kind in (*_PG_STAMPS, "label")),
    "DROP SEQUENCE IF EXISTS annotator_documentchange_stamp",
]


def _sqlite_stamp(select: str) -> str:
    """An upsert of (document, layer, a new stamp) for each row of `select` (its two first
    columns; the WHERE keeps SQLite from reading ON CONFLICT as a join's)."""
    return (f"INSERT INTO {CHANGE} (document_id, layer, stamp) SELECT d, l, random() "
            f"FROM ({select}) WHERE true {UPSERT};")


def _sqlite_triggers() -> dict[str, str]:
    """{trigger name: its CREATE statement}."""
    made = {}
    for table in LAYERED:
        row = "SELECT {0}.document_id AS d, coalesce({0}.annotator_id, 0) AS l"
        for event, rows in (("insert", ["NEW"]), ("update", ["NEW", "OLD"]), ("delete", ["OLD"])):
            body = " ".join(_sqlite_stamp(row.format(r)) for r in rows)
            made[f"{table}_changed_{event}"] = (
                f"CREATE TRIGGER {table}_changed_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN {body} END")
    fragment = ("SELECT a.document_id AS d, coalesce(a.annotator_id, 0) AS l FROM "
                "annotator_attribution a WHERE a.id = {0}.attribution_id")
    for event, rows in (("insert", ["NEW"]), ("update", ["NEW", "OLD"]), ("delete", ["OLD"])):
        body = " ".join(_sqlite_stamp(fragment.format(r)) for r in rows)
        made[f"annotator_claimfragment_changed_{event}"] = (
            f"CREATE TRIGGER annotator_claimfragment_changed_{event} AFTER {event.upper()} ON "
            f"annotator_claimfragment BEGIN {body} END")
    document = _sqlite_stamp("SELECT NEW.id AS d, 0 AS l")
    made["annotator_document_changed_insert"] = (
        f"CREATE TRIGGER annotator_document_changed_insert AFTER INSERT ON annotator_document "
        f"BEGIN {document} END")
    made["annotator_document_changed_update"] = (
        f"CREATE TRIGGER annotator_document_changed_update AFTER UPDATE ON annotator_document "
        f"BEGIN {document} END")
    made["annotator_document_changed_delete"] = (
        f"CREATE TRIGGER annotator_document_changed_delete AFTER DELETE ON annotator_document "
        f"BEGIN DELETE FROM {CHANGE} WHERE document_id = OLD.id; END")
    label = _sqlite_stamp("SELECT DISTINCT document_id AS d, 0 AS l FROM annotator_span "
                          "WHERE label_id = NEW.id")
    made["annotator_label_changed_update"] = (
        f"CREATE TRIGGER annotator_label_changed_update AFTER UPDATE OF name ON "
        f"annotator_label WHEN OLD.name IS NOT NEW.name BEGIN {label} END")
    return made


SQLITE_TRIGGERS = _sqlite_triggers()


def _apply(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_UP
    elif vendor == "sqlite":
        statements = [*SQLITE_TRIGGERS.values(),
                      f"INSERT INTO {CHANGE} (document_id, layer, stamp) "
                      f"SELECT id, 0, random() FROM annotator_document"]
    else:
        raise RuntimeError(f"No document change triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def _revert(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES_DOWN
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    for statement in statements:
        schema_editor.execute(statement, params=None)


def sqlite_triggers_again(apps, schema_editor, tables=None):
    """For a later migration that rebuilds one of these tables on SQLite: make the
    triggers of `tables` (all when None) again. PostgreSQL keeps them through ALTER TABLE."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, statement in SQLITE_TRIGGERS.items():
        if tables is None or any(name.startswith(f"{table}_changed") for table in tables):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [("annotator", "0025_explorer_stale")]

    operations = [
        migrations.CreateModel(
            name="DocumentChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("document_id", models.BigIntegerField()),
                ("layer", models.BigIntegerField()),
                ("stamp", models.BigIntegerField()),
            ],
            options={"constraints": [models.UniqueConstraint(
                fields=("document_id", "layer"), name="docchange_one_per_layer")]},
        ),
        migrations.RunPython(_apply, _revert),
    ]
