"""Imports refuse what would break a project, saying where (issue #12, point 5): lone
surrogates and NaN or infinite numbers in any format (and in the seeds), naming the line
and the field. Nothing is stored."""
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from annotator.models import Attribution, Document, Event
from annotator.services.imports import ImportRefused, import_file

pytestmark = pytest.mark.django_db

GOOD = {"title": "Fine", "text": "Officials said the talks collapsed."}


@pytest.fixture
def admin(make_user):
    return make_user("importer")


@pytest.fixture
def target(make_project, admin):
    return make_project(name="Target", admin=admin)


def lines(*texts: str) -> io.BytesIO:
    return io.BytesIO("".join(text + "\n" for text in texts).encode())


def refused(target, admin, stream, fmt="jsonl", name="x.jsonl") -> list[str]:
    """The import's "where: reason" lines; and it stored nothing."""
    with pytest.raises(ImportRefused) as info:
        import_file(project=target, user=admin, stream=stream, file_name=name, fmt=fmt)
    assert not Document.objects.filter(project=target).exists()
    assert not Event.objects.filter(project_id=target.pk).exists()
    return [f"{e['where']}: {e['reason']}" for e in info.value.report.errors]


# --- Lone surrogates ------------------------------------------------------------------------------

def test_a_lone_surrogate_in_metadata_is_refused_naming_the_line_and_field_when_jsonl(
        target, admin):
    stream = lines(json.dumps(GOOD), json.dumps({**GOOD, "text": "Second."}),
                   '{"text": "Third.", "metadata": {"author": "\\udc80"}}')
    assert refused(target, admin, stream) == [
        "x.jsonl:3: metadata.author: contains a lone surrogate U+DC80 (code point 0)."]


@pytest.mark.parametrize("line, field", [
    ('{"text": "Officials said so \\ud800."}', "text"),
    ('{"text": "Officials said so.", "title": "a\\udfff"}', "title"),
    ('{"text": "Officials said so.", "source_url": "https://x.example/\\udc80"}', "source_url"),
    ('{"text": "Officials said so.", "spans": [{"label": "SOURCE", "start": 0, "end": 9, '
     '"provenance": {"tagger": "t\\udc80"}}]}', "spans[0].provenance.tagger"),
    ('{"text": "Officials said so.", "metadata": {"\\udc80key": 1}}', "metadata.\\udc80key"),
])
def test_a_lone_surrogate_anywhere_in_a_jsonl_line_is_refused_naming_the_field(
        target, admin, line, field):
    [problem] = refused(target, admin, lines(json.dumps(GOOD), line))
    assert problem.startswith(f"x.jsonl:2: {field}: ") and "lone surrogate" in problem


def test_a_lone_surrogate_in_a_doccano_line_is_refused_naming_the_field(target, admin):
    line = ('{"text": "Officials said so.", "entities": [{"id": 1, "label": "SOURCE\\udc80", '
            '"start_offset": 0, "end_offset": 9}]}')
    [problem] = refused(target, admin, lines(line), fmt="doccano", name="d.jsonl")
    assert problem.startswith("d.jsonl:1: entities[0].label: contains a lone surrogate U+DC80")


def test_a_lone_surrogate_in_a_brat_note_is_refused_naming_the_document(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("d.txt", "Officials said talks collapsed.")
        archive.writestr("d.ann", 'T1\tSOURCE 0 9\tOfficials\n'
                                  '#1\tAnnotatorNotes T1\t{"annotator": "a\\udc80"}\n')
    [problem] = refused(target, admin, buffer, fmt="brat", name="b.zip")
    assert problem.startswith("d.txt: spans[0].provenance.annotator: contains a lone "
                              "surrogate U+DC80")


def test_a_file_name_with_a_lone_surrogate_is_refused_when_it_comes_from_a_command_line(
        target, admin, tmp_path):
    """Python gives a file name that is not UTF-8 as lone surrogates (surrogateescape);
    it would become a document's title and metadata."""
    with pytest.raises(ValidationError) as info:
        import_file(project=target, user=admin, stream=io.BytesIO(b"Officials said so."),
                    file_name="caf\udce9.txt", fmt="txt")
    assert "lone surrogate U+DCE9" in info.value.message_dict["file"][0]
    assert not Document.objects.filter(project=target).exists()


# --- NaN and Infinity -----------------------------------------------------------------------------

@pytest.mark.parametrize("number, reason", [
    ("NaN", "is NaN"), ("Infinity", "is Infinity"), ("-Infinity", "is -Infinity"),
    ("1e400", "is Infinity"), ("-1e999", "is -Infinity")])
def test_nan_or_infinity_in_a_jsonl_line_is_refused_naming_the_line_and_field(
        target, admin, number, reason):
    stream = lines(json.dumps(GOOD), '{"text": "Second.", "metadata": {"score": %s}}' % number)
    assert refused(target, admin, stream) == [
        f"x.jsonl:2: metadata.score: {reason}: only finite numbers are allowed."]


def test_nan_in_a_span_offset_or_provenance_is_refused_naming_the_field(target, admin):
    stream = lines('{"text": "Officials said so.", "spans": [{"label": "SOURCE", "start": NaN, '
                   '"end": 9}, {"label": "CUE", "start": 10, "end": 14, '
                   '"provenance": {"confidence": Infinity}}]}')
    assert refused(target, admin, stream) == [
        "x.jsonl:1: spans[0].start: is NaN: only finite numbers are allowed.",
        "x.jsonl:1: spans[1].provenance.confidence: is Infinity: only finite numbers are "
        "allowed."]


def test_the_command_prints_the_line_and_field_of_a_nan_and_stores_nothing(target, tmp_path):
    source = tmp_path / "scores.jsonl"
    source.write_text(json.dumps(GOOD) + '\n{"text": "Two.", "metadata": {"score": NaN}}\n',
                      encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_documents", "Target", str(source), "--format", "jsonl",
                     stdout=io.StringIO(), stderr=err)
    assert "scores.jsonl:2: metadata.score: is NaN: only finite numbers are allowed." \
        in err.getvalue()
    assert not Document.objects.filter(project=target).exists()


def test_seed_metadata_with_nan_or_a_lone_surrogate_is_refused_naming_the_file(tmp_path):
    from annotator.services.seeds import SeedError, seeds_read

    (tmp_path / "a.txt").write_text("Officials said so.", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"author": "\\udc80", "score": NaN}', encoding="utf-8")
    with pytest.raises(SeedError) as info:
        seeds_read(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'a.json'}: author: contains a lone surrogate U+DC80 (code point 0). "
        "score: is NaN: only finite numbers are allowed.")


NESTED = {"title": "Nested", "text": "The mayor said that the minister claimed the bridge is safe.",
          "spans": [{"id": "T1", "label": "CLAIM", "start": 20, "end": 59},
                    {"id": "T2", "label": "CLAIM", "start": 41, "end": 59},
                    {"id": "T3", "label": "SOURCE", "start": 0, "end": 9}],
          "attributions": [{"id": "A1", "claims": ["T1"], "source": "T3"},
                           {"id": "A2", "claims": ["T2"], "parent": "A1"}]}


@pytest.mark.parametrize("parent,reason", [
    ("A7", "attributions[1].parent: 'A7' is not the id of an attribution of this document."),
    ("A2", "attributions[1].parent: an attribution cannot be its own parent."),
])
def test_jsonl_import_with_a_bad_parent_is_refused_naming_the_line(target, admin, parent,
                                                                   reason):
    bad = json.loads(json.dumps(NESTED))
    bad["attributions"][1]["parent"] = parent
    errors = refused(target, admin, lines(json.dumps(GOOD), json.dumps(bad)))
    assert errors == [f"x.jsonl:2: {reason}"]


def test_jsonl_import_of_a_parent_whose_claim_does_not_hold_the_child_is_refused(target,
                                                                                 admin):
    bad = json.loads(json.dumps(NESTED))
    bad["attributions"][0]["parent"], bad["attributions"][1]["parent"] = "A2", None
    errors = refused(target, admin, lines(json.dumps(bad)))
    assert len(errors) == 1 and errors[0].startswith("x.jsonl:1: attributions[0].parent: 'A2'")
    assert "outside the parent's claim" in errors[0]


def test_jsonl_import_of_nested_attributions_stores_the_parent(target, admin):
    import_file(project=target, user=admin, stream=lines(json.dumps(NESTED)),
                file_name="x.jsonl", fmt="jsonl")
    child = Attribution.objects.get(document__project=target, claim__start=41)
    assert child.parent.claim.start == 20
