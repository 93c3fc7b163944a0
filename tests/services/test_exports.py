"""Exports: layers, provenance, manifest, every format on real labels, and round trips."""
import hashlib
import io
import json
import zipfile

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from annotator.formats import brat, conll
from annotator.formats.records import label_key
from annotator.models import Attribution, Span
from annotator.selectors import approved_layer_for_document
from annotator.services.exports import layer_parse
from annotator.services.imports import import_file
from annotator.services.spans import span_create
from tests.formats import standoff_reader
from tests.services.transfer_world import (at, build, export_bytes, jsonl_records,
                                           labels_by_text)

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(make_project, make_user):
    return build(make_project, make_user)


def test_approved_layer_holds_what_reviewers_approved_with_provenance(labelled):
    records = {r["title"]: r for r in jsonl_records(export_bytes(labelled.project))}
    emoji = records["Emoji"]
    assert len(emoji["spans"]) == 16 and len(emoji["attributions"]) == 5
    span = emoji["spans"][0]
    assert span["provenance"]["annotators"] == [labelled.annotator.username]
    assert span["provenance"]["reviewer"] == labelled.reviewer.username
    assert span["provenance"]["review_state"] == "approved"
    assert span["provenance"]["created_at"].endswith("Z")
    seed_spans = records["Seed"]["spans"]
    assert seed_spans and all(s["provenance"]["origin"] == "pretag" for s in seed_spans)
    assert {s["provenance"]["tagger"] for s in seed_spans} == {"rules-attribution"}
    fragmented = [a for a in emoji["attributions"] if len(a["claims"]) == 2]
    assert len(fragmented) == 1 and fragmented[0]["attributes"]["quote_type"] == "direct"


def test_every_exported_span_is_a_code_point_slice_of_its_text_as_spacy_needs(labelled):
    """spaCy's Doc.char_span(start, end) takes offsets into the Python str: code points."""
    for record in jsonl_records(export_bytes(labelled.project, layer="all")):
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
            assert 0 <= span["start"] < span["end"] <= len(record["text"])


def test_approved_layer_merges_identical_spans_of_two_annotators_and_matches_the_selector(
        labelled):
    document = labelled.emoji
    claim = document.project.labels.get(name="CLAIM")
    where = at(document.text, "talks collapsed.", "CLAIM")
    twin = span_create(document=document, annotator=labelled.annotator2, label=claim,
                       start=where["start"], end=where["end"])
    lone = span_create(document=document, annotator=labelled.annotator2, label=claim,
                       **{k: v for k, v in at(document.text, "The deal", "CLAIM").items()
                          if k != "label"})
    from annotator.services.reviews import review_decide

    review_decide(reviewer=labelled.reviewer, target=twin, decision="approve")
    record = next(r for r in jsonl_records(export_bytes(labelled.project))
                  if r["title"] == "Emoji")
    merged = [s for s in record["spans"] if s["text"] == "talks collapsed."]
    assert len(merged) == 1
    assert sorted(merged[0]["provenance"]["annotators"]) == sorted(
        [labelled.annotator.username, labelled.annotator2.username])
    assert "The deal" not in {s["text"] for s in record["spans"]}  # not approved: left out
    selected = approved_layer_for_document(document=document)
    assert {(s.label, s.start, s.end) for s in selected.spans} == {
        (s["label"], s["start"], s["end"]) for s in record["spans"]}
    assert lone.pk


def test_one_annotator_and_all_layers_pick_their_labels(labelled):
    document = labelled.emoji
    claim = document.project.labels.get(name="CLAIM")
    where = at(document.text, "The deal", "CLAIM")
    span_create(document=document, annotator=labelled.annotator2, label=claim,
                start=where["start"], end=where["end"])
    other = layer_parse(project=labelled.project, value=f"annotator:{labelled.annotator2}")
    mine = jsonl_records(export_bytes(labelled.project, layer=other))
    assert [len(r["spans"]) for r in mine] == [0, 1]
    everyone = jsonl_records(export_bytes(labelled.project, layer="all"))
    emoji = next(r for r in everyone if r["title"] == "Emoji")
    assert len(emoji["spans"]) == 17
    assert {tuple(s["provenance"]["annotators"]) for s in emoji["spans"]} == {
        (labelled.annotator.username,), (labelled.annotator2.username,)}


def test_a_layer_of_someone_outside_the_project_is_refused(labelled, make_user):
    from django.core.exceptions import ValidationError

    stranger = make_user()
    for value in (f"annotator:{stranger.username}", "annotator:", "mine", "annotator:nobody"):
        with pytest.raises(ValidationError) as info:
            layer_parse(project=labelled.project, value=value)
        assert "layer" in info.value.message_dict


def test_manifest_lists_counts_label_set_filters_and_the_sha256_of_every_file(labelled):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="brat")))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "brat" and manifest["filters"] == {"layer": "approved"}
    assert manifest["counts"]["documents"] == 2
    assert [label["name"] for label in manifest["label_set"]] == ["CLAIM", "SOURCE", "CUE"]
    names = sorted(n for n in archive.namelist() if n != "manifest.json")
    assert sorted(f["name"] for f in manifest["files"]) == names
    for listed in manifest["files"]:
        data = archive.read(listed["name"])
        assert hashlib.sha256(data).hexdigest() == listed["sha256"]
        assert len(data) == listed["bytes"]


def test_brat_export_is_read_by_an_independent_standoff_reader(labelled):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="brat")))
    anns = [n for n in archive.namelist() if n.endswith(".ann")]
    assert len(anns) == 2 and "annotation.conf" in archive.namelist()
    for name in anns:
        text = archive.read(name[:-4] + ".txt").decode()
        parsed = standoff_reader.parse(archive.read(name).decode())
        standoff_reader.check_against_text(parsed, text)
        assert parsed["events"]
    emoji = standoff_reader.parse(archive.read(f"doc-{labelled.emoji.pk}.ann").decode())
    assert any(len(e["fragments"]) == 2 for e in emoji["entities"].values())


def test_conll_export_is_read_by_seqeval_and_the_nested_claim_is_in_the_loss_report(labelled):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="conll")))
    documents = list(conll.read(archive.read("data.conll").decode().splitlines(True)))
    losses = [json.loads(line) for line in archive.read("loss-report.jsonl").decode().splitlines()]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["lost"] == len(losses)
    exported = {r["id"]: r for r in jsonl_records(export_bytes(labelled.project))}
    for parsed in documents:
        record = exported[int(parsed["id"])]
        found = set()
        for column in parsed["tags"]:
            found |= {(label, parsed["tokens"][a][1], parsed["tokens"][b][2])
                      for label, a, b in get_entities(column)}
        lost = {(i["label"], i["start"], i["end"]) for i in losses
                if i["kind"] == "span" and i["document"] == record["id"]}
        spans = {(s["label"], s["start"], s["end"]) for s in record["spans"]}
        assert found | lost == spans, "a span is neither in the BIO columns nor reported"
    nested = [i for i in losses if i["document"] == labelled.emoji.pk and i["kind"] == "span"]
    assert [(i["reason"], labelled.emoji.text[i["start"]:i["end"]]) for i in nested] == [
        ("overlap", "taxes will fall.")]


def test_csv_has_a_row_per_approved_attribution(labelled):
    import csv

    archive = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="csv")))
    rows = list(csv.DictReader(io.StringIO(archive.read("attributions.csv").decode())))
    records = jsonl_records(export_bytes(labelled.project))
    assert len(rows) == sum(len(r["attributions"]) for r in records)
    row = next(r for r in rows if ";" in r["claim_offsets"])
    assert row["source"] == "the minister" and row["quote_type"] == "direct"


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_export_import_export_gives_identical_labels_when_formats_are_lossless(
        fmt, labelled, make_project):
    first = export_bytes(labelled.project, fmt=fmt)
    target = make_project(admin=labelled.project.admin)
    report = import_file(project=target, user=labelled.project.admin,
                         stream=io.BytesIO(first), file_name=f"export.{fmt}.zip", fmt=fmt,
                         keep_review_state=True)
    assert report.created == 2 and not report.errors
    before = labels_by_text(export_bytes(labelled.project))
    after = labels_by_text(export_bytes(target))
    assert after == before
    assert all(spans for spans, _ in before.values())
    # and once more: the second export imports into a third project unchanged
    second = export_bytes(target, fmt=fmt)
    third = make_project(admin=labelled.project.admin)
    import_file(project=third, user=labelled.project.admin, stream=io.BytesIO(second),
                file_name="again.zip", fmt=fmt, keep_review_state=True)
    assert labels_by_text(export_bytes(third)) == before


def test_doccano_export_imports_back_with_the_same_spans_and_links(labelled, make_project):
    data = export_bytes(labelled.project, fmt="doccano")
    target = make_project(admin=labelled.project.admin)
    import_file(project=target, user=labelled.project.admin, stream=io.BytesIO(data),
                file_name="doccano.zip", fmt="doccano")
    before = labels_by_text(export_bytes(labelled.project))
    after = labels_by_text(export_bytes(target, layer="all"))
    for digest, (spans, attributions) in before.items():
        assert after[digest][0] == spans
        # doccano has no attributes: the links are kept, their attribute values are not
        assert {a[:3] for a in after[digest][1]} == {a[:3] for a in attributions}


def test_brat_files_keep_the_fragmented_claim_as_one_discontinuous_span(labelled):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="brat")))
    name = f"doc-{labelled.emoji.pk}"
    entry = brat.read_ann(archive.read(f"{name}.txt").decode(),
                          archive.read(f"{name}.ann").decode(), f"{name}.ann")
    assert not entry.errors
    assert sorted(len(a.claims) for a in entry.document.attributions) == [1, 1, 1, 1, 2]
    stored = {(s.label.name, s.start, s.end) for s in Span.objects.filter(
        document=labelled.emoji, annotator=labelled.annotator).select_related("label")}
    assert label_key(entry.document)[0] == stored


def test_second_hand_claims_keep_their_parent_through_every_lossless_round_trip(
        labelled, make_project):
    """The council's claim lies inside the mayor's: `parent` in JSON Lines, a Parent
    relation in brat, the CSV column; and an import into a new project nests it again."""
    records = jsonl_records(export_bytes(labelled.project))
    emoji = next(r for r in records if r["title"] == "Emoji")
    spans = {s["id"]: s["text"] for s in emoji["spans"]}
    by_id = {a["id"]: a for a in emoji["attributions"]}
    nested = {spans[a["claims"][0]]: spans[by_id[a["parent"]]["claims"][0]]
              for a in emoji["attributions"] if a.get("parent")}
    assert nested["taxes will fall."] == "the council believes taxes will fall."
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="brat")))
    ann = next(archive.read(n).decode() for n in archive.namelist()
               if n.endswith(f"doc-{labelled.emoji.pk}.ann"))
    assert "\tParent Arg1:E" in ann
    csv_text = zipfile.ZipFile(io.BytesIO(export_bytes(labelled.project, fmt="csv"))).read(
        "attributions.csv").decode()
    assert "parent_attribution_id" in csv_text.splitlines()[0]
    for fmt in ("jsonl", "brat"):
        target = make_project(admin=labelled.project.admin)
        import_file(project=target, user=labelled.project.admin,
                    stream=io.BytesIO(export_bytes(labelled.project, fmt=fmt)),
                    file_name=f"export.{fmt}.zip", fmt=fmt, keep_review_state=True)
        child = Attribution.objects.get(document__project=target,
                                        claim__quote="taxes will fall.")
        assert child.parent.claim.quote == "the council believes taxes will fall.", fmt
