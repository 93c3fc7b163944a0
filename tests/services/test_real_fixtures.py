"""Importing the files the real doccano 1.8.4 and Label Studio 1.23.2 wrote, as downloaded
(tests/formats/fixtures/real/README.md): documents stored exactly, spans at the expected
code points in each annotator's layer, attributions as drawn, all or nothing."""
from __future__ import annotations

import pytest

from annotator.models import Attribution, Document, Span
from annotator.services.imports import ImportRefused, import_file
from annotator.services.projects import membership_set
from tests.formats.test_real_fixtures import ADMIN_PLAN, DOCS, EXPECTED, REAL, SECOND_PLAN

pytestmark = pytest.mark.django_db

ZIPS = {folder: next((REAL / "doccano" / folder).glob("*.zip")).name
        for folder in ("seq-relations", "seq-no-relations", "seq-relations-approved-only",
                       "seq-relations-collaborative", "seq-relations-grapheme-mode")}
LS_JSON = "labelstudio/JSON/project-1-at-2026-12-03-09-40-56495a43.json"
LS_MIN = "labelstudio/JSON_MIN/project-1-at-2026-12-03-09-41-56495a43.json"


@pytest.fixture
def admin(make_user):
    return make_user("importer")


@pytest.fixture
def target(make_project, admin, make_user):
    project = make_project(admin=admin)
    for name in ("admin", "alice", "ls-admin", "bob"):   # doccano's and Label Studio's people
        membership_set(project=project, user=make_user(name), role="annotator")
    return project


def run(target, admin, path, fmt, **options):
    with open(REAL / path, "rb") as stream:
        return import_file(project=target, user=admin, stream=stream,
                           file_name=path.rsplit("/", 1)[-1], fmt=fmt, **options)


def layers(target) -> dict:
    found: dict = {}
    for span in Span.objects.filter(document__project=target).select_related("document",
                                                                              "annotator",
                                                                              "label"):
        found.setdefault((span.document.title, span.annotator.username), []).append(
            (span.label.name, span.start, span.end, span.quote))
    return {key: sorted(value) for key, value in found.items()}


def attributions(target) -> dict:
    found: dict = {}
    for a in Attribution.objects.filter(document__project=target).select_related(
            "document", "annotator", "claim", "source", "cue").prefetch_related("fragments__span"):
        claims = (a.claim.quote, *(f.span.quote for f in a.fragments.all()))
        found.setdefault((a.document.title, a.annotator.username), set()).add(
            (claims, a.source.quote if a.source else None, a.cue.quote if a.cue else None))
    return found


def expected(*names, layer_of=lambda item: item["layer"]):
    spans = {}
    for name in names:
        for item in EXPECTED[name]:
            if item["spans"]:
                spans[(item["title"], layer_of(item))] = sorted(
                    (s["label"], s["cp_start"], s["cp_end"], s["text"]) for s in item["spans"])
    return spans


@pytest.mark.parametrize("folder", ["seq-relations", "seq-no-relations",
                                    "seq-relations-approved-only"])
def test_a_doccano_export_zip_imports_each_members_layer_at_the_right_code_points(
        target, admin, folder):
    report = run(target, admin, f"doccano/{folder}/{ZIPS[folder]}", "doccano")
    files = [f"doccano/{folder}/admin.jsonl", f"doccano/{folder}/alice.jsonl"]
    titles = {item["title"] for name in files for item in EXPECTED[name]}
    assert report.created == len(titles) and not report.errors
    assert {d.title: d.text for d in Document.objects.filter(project=target)} == {
        t: DOCS[t] for t in titles}
    assert layers(target) == expected(*files)
    wanted = {} if folder == "seq-no-relations" else {
        (item["title"], item["layer"]): (SECOND_PLAN if item["layer"] == "alice" else
                                         ADMIN_PLAN)[item["title"]]
        for name in files for item in EXPECTED[name] if item["relations"]}
    assert attributions(target) == wanted
    moved = [n for n in report.notes if "counted UTF-16 units" in n["note"]]
    assert moved and all(n["where"].endswith(".jsonl:1") for n in moved)  # doc a: the emoji


def test_a_doccano_collaborative_export_goes_into_the_importers_layer(target, admin):
    run(target, admin, f"doccano/seq-relations-collaborative/{ZIPS['seq-relations-collaborative']}",
        "doccano")
    assert layers(target) == expected("doccano/seq-relations-collaborative/all.jsonl",
                                      layer_of=lambda item: "importer")
    assert attributions(target) == {(t, "importer"): ADMIN_PLAN[t]
                                    for t in ("a_emoji.txt", "d_two_sources.txt")}


def test_a_doccano_grapheme_mode_export_is_read_in_grapheme_clusters(target, admin):
    report = run(target, admin, f"doccano/seq-relations-grapheme-mode/"
                                f"{ZIPS['seq-relations-grapheme-mode']}", "doccano")
    assert layers(target) == expected("doccano/seq-relations-grapheme-mode/admin.jsonl",
                                      layer_of=lambda item: "importer")
    assert any(n["note"].startswith("offsets read as grapheme clusters") for n in report.notes)


def test_label_studio_json_needs_its_user_ids_mapped_then_imports_every_layer(target, admin):
    with pytest.raises(ImportRefused) as info:
        run(target, admin, LS_JSON, "labelstudio")
    refused = {(e["where"].rsplit("#", 1)[1], e["reason"].split(" is not")[0])
               for e in info.value.report.errors}
    # One error per annotator, where they first labelled, naming every task they labelled.
    assert refused == {("1", "the annotator '1'"), ("1", "the annotator '2'")}
    name = info.value.report.errors[0]["where"].rsplit("#", 1)[0]
    reasons = sorted(e["reason"] for e in info.value.report.errors)
    assert (f"labels in 6 document(s): {name}#1, {name}#2, {name}#3, {name}#4, {name}#5 "
            "and 1 more)") in reasons[0]
    assert f"labels in 2 document(s): {name}#1, {name}#3)" in reasons[1]
    assert not Document.objects.filter(project=target).exists()
    report = run(target, admin, LS_JSON, "labelstudio", annotator_map={"1": "ls-admin",
                                                                        "2": "bob"})
    people = {1: "ls-admin", 2: "bob"}
    assert layers(target) == expected(LS_JSON, layer_of=lambda item: people[item["completed_by"]])
    plans = {"ls-admin": ADMIN_PLAN, "bob": SECOND_PLAN}
    assert attributions(target) == {(title, who): plans[who][title]
                                    for title, who in layers(target)}
    assert Document.objects.get(project=target, title="b_crlf.txt").text == DOCS["b_crlf.txt"]
    assert {n["note"] for n in report.notes} == {
        'spans[2] CLAIM: Label Studio wrote its line breaks as "\\n"; compared with the '
        "document's line breaks instead.",
        "predictions[0]: the export lists this prediction by its id (1) only, without its "
        "regions; left out."}


def test_label_studio_json_min_imports_every_layer(target, admin):
    run(target, admin, LS_MIN, "labelstudio-min", annotator_map={"1": "ls-admin", "2": "bob"})
    people = {1: "ls-admin", 2: "bob"}
    assert layers(target) == expected(LS_MIN, layer_of=lambda item: people[item["annotator"]])
    assert not Attribution.objects.exists()   # JSON_MIN has no relations


@pytest.mark.parametrize("path,fmt", [
    ("labelstudio/CSV/project-1-at-2026-12-03-09-41-56495a43.csv", "labelstudio-min"),
    ("labelstudio/TSV/project-1-at-2026-12-03-09-41-56495a43.csv", "labelstudio"),
    ("labelstudio/CONLL2003/project-1-at-2026-12-03-09-43-56495a43.conll", "txt"),
    (LS_MIN, "labelstudio"), (LS_JSON, "doccano")])
def test_the_other_label_studio_exports_are_refused_saying_what_to_use(target, admin, path,
                                                                       fmt):
    with pytest.raises(ImportRefused) as info:
        run(target, admin, path, fmt)
    (error,) = info.value.report.errors
    assert error["reason"].startswith("this looks like a ")
    assert "labelstudio" in error["reason"] or "JSON export" in error["reason"]
    assert not Document.objects.filter(project=target).exists()
