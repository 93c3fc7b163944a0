"""Imports of other tools' exports: doccano (two sources, UTF-16 offsets, titles), Label
Studio (layers per annotator, predictions), and files that look like another format."""
import io
import json
import zipfile

import pytest

from annotator.models import Attribution, Document, Span
from annotator.services.imports import ImportRefused, import_file
from annotator.services.projects import membership_set

pytestmark = pytest.mark.django_db

TEXT = "Officials 😀 said talks collapsed, and the mayor and the chief agreed."


def where(piece, text=TEXT, utf16=False):
    start = text.index(piece)
    end = start + len(piece)
    if utf16:
        return (len(text[:start].encode("utf-16-le")) // 2,
                len(text[:end].encode("utf-16-le")) // 2)
    return start, end


def entity(eid, label, piece, text=TEXT, utf16=False):
    start, end = where(piece, text, utf16)
    return {"id": eid, "label": label, "start_offset": start, "end_offset": end}


def lines(*records) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps(r, ensure_ascii=False) + "\n"
                              for r in records).encode())


@pytest.fixture
def admin(make_user):
    return make_user("importer")


@pytest.fixture
def target(make_project, admin):
    return make_project(admin=admin)


def run(target, admin, stream, fmt="doccano", name="export.jsonl", **kwargs):
    return import_file(project=target, user=admin, stream=stream, file_name=name, fmt=fmt,
                       **kwargs)


def stored(target):
    return {(s.label.name, s.quote) for s in Span.objects.filter(document__project=target)
            .select_related("label")}


# --- doccano ---------------------------------------------------------------------------------

def test_doccano_claim_with_two_sources_becomes_two_attributions_sharing_the_claim(
        target, admin):
    text = "Talks collapsed, the mayor and the chief said."
    record = {"id": 1, "text": text, "entities": [
        entity(1, "CLAIM", "Talks collapsed", text), entity(2, "SOURCE", "the mayor", text),
        entity(3, "SOURCE", "the chief", text), entity(4, "CUE", "said", text)],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "by"},
                      {"id": 2, "from_id": 1, "to_id": 3, "type": "by"},
                      {"id": 3, "from_id": 1, "to_id": 4, "type": "cue"}]}
    report = run(target, admin, lines(record))
    assert (report.spans, report.attributions) == (4, 2)
    found = {(a.claim.quote, a.source.quote, a.cue.quote)
             for a in Attribution.objects.select_related("claim", "source", "cue")}
    assert found == {("Talks collapsed", "the mayor", "said"),
                     ("Talks collapsed", "the chief", "said")}
    assert len({a.claim_id for a in Attribution.objects.all()}) == 1


def test_doccano_span_starting_on_a_combining_mark_is_imported(target, admin):
    text = "Jose\u0301 said no."
    record = {"text": text, "label": [[4, 10, "CUE"]]}
    run(target, admin, lines(record))
    (span,) = Span.objects.filter(document__project=target)
    assert (span.start, span.end, span.quote) == (4, 10, "\u0301 said")


def test_doccano_utf16_offsets_are_repaired_with_a_note_per_span(target, admin):
    record = {"id": 5, "text": TEXT, "entities": [
        entity(1, "SOURCE", "Officials", utf16=True), entity(2, "CUE", "said", utf16=True),
        entity(3, "CLAIM", "talks collapsed", utf16=True),
        entity(4, "SOURCE", "the chief", utf16=True)]}
    report = run(target, admin, lines(record))
    assert stored(target) == {("SOURCE", "Officials"), ("CUE", "said"),
                              ("CLAIM", "talks collapsed"), ("SOURCE", "the chief")}
    notes = [n for n in report.notes if n["where"] == "export.jsonl:1"]
    assert len(notes) == 4   # the reason once, then one line per span moved (3)
    assert notes[1]["note"] == ("spans[1] CUE [13, 17) counted UTF-16 units: stored at code "
                                "points [12, 16) 'said'.")


def test_doccano_ambiguous_offsets_are_refused_naming_line_and_span_until_forced(
        target, admin):
    text = "Before 😀 a.b"
    start = text.index(".")
    data = lines({"text": "A first line."},
                 {"text": text, "label": [[start, start + 1, "CUE"]]}).getvalue()
    with pytest.raises(ImportRefused) as info:
        run(target, admin, io.BytesIO(data))
    (error,) = info.value.report.errors
    assert error["where"] == "export.jsonl:2"
    assert error["reason"].startswith("spans[0]: offsets [10, 11) give '.' as code points, 'a' "
                                      "as UTF-16 units")
    assert "offsets=utf16, offsets=graphemes or offsets=codepoints" in error["reason"]
    assert not Document.objects.exists()
    run(target, admin, io.BytesIO(data), offsets="utf16")
    assert stored(target) == {("CUE", "a")}


def test_doccano_titles_come_from_the_metadata_or_the_file_name_and_line(target, admin):
    run(target, admin, lines({"text": "One.", "title": "The first"}, {"text": "Two."},
                             {"text": "Three.", "meta": {"title": "Third"}}), name="d.jsonl")
    assert sorted(Document.objects.values_list("title", flat=True)) == [
        "The first", "Third", "d.jsonl:2"]


def test_doccano_lines_in_a_zip_are_titled_by_the_zip_entry(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("admin.jsonl", lines({"text": "One."}).getvalue())
    run(target, admin, buffer, name="export.zip")
    assert Document.objects.get().title == "admin.jsonl:1"


# --- Label Studio ----------------------------------------------------------------------------

def region(rid, label, piece, text=TEXT):
    start, end = where(piece, text)
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": end, "text": piece, "labels": [label]}}


def task(annotations, predictions=(), tid=9, text=TEXT):
    return {"id": tid, "data": {"text": text}, "annotations": list(annotations),
            "predictions": list(predictions)}


@pytest.fixture
def team(make_user, target):
    ann, bob = make_user("ann"), make_user("bob")
    ann.email = "Ann@Example.org"
    ann.save()
    for user in (ann, bob):
        membership_set(project=target, user=user, role="annotator")
    return ann, bob


def studio(*tasks) -> io.BytesIO:
    return io.BytesIO(json.dumps(list(tasks), ensure_ascii=False).encode())


def test_label_studio_annotations_go_into_their_annotators_layers(target, admin, team):
    ann, bob = team
    data = studio(task([
        {"id": 1, "completed_by": {"id": 3, "email": "ann@example.org"}, "result": [
            region("s", "SOURCE", "Officials"), region("q", "CUE", "said"),
            region("c", "CLAIM", "talks collapsed"),
            {"type": "relation", "from_id": "s", "to_id": "c"},
            {"type": "relation", "from_id": "q", "to_id": "c"}]},
        {"id": 2, "completed_by": {"id": 4, "email": "other@example.org"},
         "result": [region("s", "SOURCE", "the mayor")]}],
        predictions=[{"model_version": "ner-2", "result": [region("p", "SOURCE", "the chief")]}]))
    report = run(target, admin, data, fmt="labelstudio", name="ls.json",
                 annotator_map={"other@example.org": "bob"})
    layers = {(s.annotator.username if s.annotator else None, s.quote, s.status)
              for s in Span.objects.select_related("annotator")}
    assert layers == {("ann", "Officials", "accepted"), ("ann", "said", "accepted"),
                      ("ann", "talks collapsed", "accepted"), ("bob", "the mayor", "accepted"),
                      (None, "the chief", "suggested")}
    (attribution,) = Attribution.objects.select_related("source", "cue")
    assert attribution.annotator == ann
    assert (attribution.source.quote, attribution.cue.quote) == ("Officials", "said")
    suggestion = Span.objects.get(annotator=None)
    assert (suggestion.tagger_name, suggestion.tagger_version) == ("import", "ner-2")
    assert report.layers == {"ann": 3, "bob": 1} and report.suggestions == 1
    assert Document.objects.get().title == "ls.json#9"


def test_label_studio_annotators_who_are_not_members_are_refused_naming_them(target, admin,
                                                                             team):
    data = studio(task([{"id": 1, "completed_by": 17, "result": [
        region("s", "SOURCE", "Officials")]}]))
    with pytest.raises(ImportRefused) as info:
        run(target, admin, data, fmt="labelstudio", name="ls.json")
    (error,) = info.value.report.errors
    assert error["where"] == "ls.json#9"
    assert error["reason"].startswith("the annotator '17' is not a member of this project")
    assert "layers=mine" in error["reason"] and "annotator_map=17=USERNAME" in error["reason"]
    assert not Document.objects.exists()


def test_each_stranger_is_named_once_with_the_documents_they_labelled(target, admin, team):
    # A real Label Studio export names its users by id: eight tasks by users 1 and 2 gave
    # eight copies of the same advice; one error per annotator says it once.
    tasks = [task([{"id": n, "completed_by": 1 if n % 4 else 2, "result": [
        region("s", "SOURCE", "Officials")]}], tid=n, text=f"{TEXT} ({n})") for n in range(1, 9)]
    with pytest.raises(ImportRefused) as info:
        run(target, admin, studio(*tasks), fmt="labelstudio", name="ls.json")
    errors = info.value.report.errors
    assert [e["where"] for e in errors] == ["ls.json#1", "ls.json#4"]
    assert errors[0]["reason"].startswith("the annotator '1' is not a member of this project")
    assert "labels in 6 document(s): ls.json#1, ls.json#2, ls.json#3, ls.json#5, ls.json#6 " \
           "and 1 more" in errors[0]["reason"]
    assert "labels in 2 document(s): ls.json#4, ls.json#8)" in errors[1]["reason"]
    assert "Options, Annotators, all into my layer" in errors[1]["reason"]
    assert not Document.objects.exists()


def test_label_studio_layers_mine_puts_every_annotator_into_my_layer_and_says_so(
        target, admin):
    data = studio(task([
        {"id": 1, "completed_by": 17, "result": [region("s", "SOURCE", "Officials")]},
        {"id": 2, "completed_by": 18, "result": [region("s", "SOURCE", "Officials"),
                                                 region("m", "SOURCE", "the mayor")]}]))
    report = run(target, admin, data, fmt="labelstudio", name="ls.json", layers="mine")
    assert {(s.annotator_id, s.quote) for s in Span.objects.all()} == {
        (admin.pk, "Officials"), (admin.pk, "the mayor")}
    assert report.notes == [{"where": "ls.json#9", "note": "layers=mine: the labels of 2 "
                             "annotators (17, 18) go into your own layer; identical ones "
                             "become one."}]


def test_label_studio_region_text_that_does_not_match_is_an_error(target, admin, team):
    bad = region("s", "SOURCE", "Officials")
    bad["value"]["text"] = "Official"
    data = studio(task([{"id": 1, "completed_by": "ann@example.org", "result": [bad]}]))
    with pytest.raises(ImportRefused) as info:
        run(target, admin, data, fmt="labelstudio", name="ls.json")
    assert "does not match the document" in info.value.report.errors[0]["reason"]


def test_label_studio_json_min_rows_become_one_document_with_two_layers(target, admin, team):
    rows = [{"id": 9, "text": TEXT, "annotator": "ann@example.org", "annotation_id": 1,
             "label": [region("s", "SOURCE", "Officials")["value"]]},
            {"id": 9, "text": TEXT, "annotator": "bob", "annotation_id": 2,
             "label": [region("s", "SOURCE", "the mayor")["value"]]}]
    report = run(target, admin, io.BytesIO(json.dumps(rows).encode()), fmt="labelstudio-min",
                 name="min.json")
    assert report.created == 1 and report.layers == {"ann": 1, "bob": 1}


# --- Files that look like another format ----------------------------------------------------

def brat_zip() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("d.txt", "Officials said so.")
        archive.writestr("d.ann", "T1\tSOURCE 0 9\tOfficials\n")
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("fmt,make,expected", [
    ("doccano", lambda: studio(task([])), "a Label Studio JSON export: choose the format "
                                          "'labelstudio'"),
    ("jsonl", lambda: lines({"text": "Officials said so.", "label": [[0, 9, "SOURCE"]]}),
     "a doccano JSONL export: choose the format 'doccano'"),
    ("doccano", lambda: lines({"text": "Officials said so.", "spans": [
        {"label": "SOURCE", "start": 0, "end": 9}]}),
     "a JSON Lines export of this tool (spans and attributions): choose the format 'jsonl'"),
    ("jsonl", brat_zip, "a brat standoff collection (.txt and .ann files): choose the format "
                        "'brat'"),
    ("labelstudio", lambda: io.BytesIO(json.dumps([{"id": 1, "text": "x", "annotator": 1,
                                                    "annotation_id": 2}]).encode()),
     "a Label Studio JSON_MIN export: choose the format 'labelstudio-min'"),
])
def test_a_file_that_looks_like_another_tools_export_is_refused_saying_which_format(
        target, admin, fmt, make, expected):
    with pytest.raises(ImportRefused) as info:
        run(target, admin, make(), fmt=fmt, name="upload")
    assert info.value.report.errors == [{"where": "upload", "reason": f"this looks like "
                                                                      f"{expected}."}]
    assert not Document.objects.exists()


def test_a_doccano_zip_of_per_annotator_files_is_one_document_per_text_with_their_layers(
        target, admin, team):
    text = "Talks collapsed, the mayor said."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:   # what doccano writes without collaboration
        archive.writestr("ann.jsonl", lines(
            {"id": 1, "text": text, "label": [[0, 15, "CLAIM"], [17, 26, "SOURCE"]]},
            {"id": 2, "text": "Nobody labelled this.", "label": []}).getvalue())
        archive.writestr("bob.jsonl", lines(
            {"id": 1, "text": text, "label": [[17, 26, "SOURCE"], [27, 31, "CUE"]]},
            {"id": 2, "text": "Nobody labelled this.", "label": []}).getvalue())
    report = run(target, admin, buffer, name="doccano-export.zip")
    assert (report.created, report.duplicates) == (2, 0)
    assert {(s.annotator.username, s.quote) for s in Span.objects.select_related("annotator")} \
        == {("ann", "Talks collapsed"), ("ann", "the mayor"), ("bob", "the mayor"),
            ("bob", "said")}
    assert report.layers == {"ann": 2, "bob": 2}


def test_a_doccano_annotator_file_of_a_non_member_is_refused_unless_layers_mine(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("carol.jsonl", lines({"text": "Carol said so.",
                                               "label": [[0, 5, "SOURCE"]]}).getvalue())
        archive.writestr("dave.jsonl", lines({"text": "Carol said so.", "label": []}).getvalue())
    with pytest.raises(ImportRefused) as info:
        run(target, admin, io.BytesIO(buffer.getvalue()), name="d.zip")
    assert info.value.report.errors[0]["reason"].startswith("the annotator 'carol' is not a "
                                                            "member")
    run(target, admin, io.BytesIO(buffer.getvalue()), name="d.zip", layers="mine")
    assert {(s.annotator_id, s.quote) for s in Span.objects.all()} == {(admin.pk, "Carol")}
