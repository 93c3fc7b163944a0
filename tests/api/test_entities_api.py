"""Source entities through the API (issue #16, points 1 and 8): make, find, rename, merge and
delete entities; link SOURCE spans to them; what bad input gets."""
from __future__ import annotations

import pytest

from annotator.models import Event, SourceEntity, Span
from annotator.services.entities import entity_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def entities_url(project):
    return f"/api/projects/{project.pk}/entities/"


def make_span(api, world, piece, label="SOURCE", user=None):
    response = api(user or world.annotator).post(
        f"/api/documents/{world.document.pk}/spans/", span_at(world.document, piece, label),
        format="json")
    assert response.status_code == 201, response.content
    return response.json()


def link(api, user, span, entity_id):
    return api(user).put(f"/api/spans/{span['id']}/entity/",
                         {"entity": entity_id, "version": span["version"]}, format="json")


def test_annotator_makes_an_entity_finds_it_by_alias_and_links_a_source_span(api, world):
    made = api(world.annotator).post(entities_url(world.project), {
        "name": "  Antony   Blinken ", "type": "person",
        "aliases": ["Blinken", "the Secretary of State", "Blinken"]}, format="json")
    assert made.status_code == 201, made.content
    entity = made.json()
    assert (entity["name"], entity["aliases"], entity["mentions"]) == (
        "Antony Blinken", ["Blinken", "the Secretary of State"], 0)

    found = api(world.reviewer).get(entities_url(world.project), {"q": "secretary"}).json()
    assert [row["id"] for row in found["results"]] == [entity["id"]]
    assert api(world.reviewer).get(entities_url(world.project), {"q": "nobody"}).json()[
        "count"] == 0

    span = make_span(api, world, "the minister")
    assert span["entity"] is None
    linked = link(api, world.annotator, span, entity["id"])
    assert linked.status_code == 200, linked.content
    assert (linked.json()["entity"], linked.json()["version"]) == (entity["id"], 2)
    assert Span.objects.get(pk=span["id"]).entity_id == entity["id"]
    detail = api(world.annotator).get(f"/api/documents/{world.document.pk}/").json()
    assert [s["entity"] for s in detail["spans"] if s["id"] == span["id"]] == [entity["id"]]
    assert api(world.annotator).get(
        f"{entities_url(world.project)}{entity['id']}/").json()["mentions"] == 1
    event = Event.objects.filter(target_type="span", target_id=span["id"],
                                 action="update").get()
    assert (event.before["entity"], event.after["entity"]) == (None, entity["id"])

    unlinked = link(api, world.annotator, linked.json(), None)
    assert unlinked.status_code == 200 and unlinked.json()["entity"] is None


def test_only_source_spans_link_and_only_to_entities_of_their_project(api, world):
    ours = entity_create(project=world.project, actor=world.admin, name="Officials",
                         type="group")
    theirs = entity_create(project=world.other_project, actor=world.outsider, name="Officials")
    claim = make_span(api, world, "talks 🇺🇦 collapsed", label="CLAIM")
    refused = link(api, world.annotator, claim, ours.pk)
    assert refused.status_code == 400
    assert "only SOURCE spans" in str(refused.json()["entity"])

    source = make_span(api, world, "officials")
    for bad in (theirs.pk, 10**30, 987654):
        response = link(api, world.annotator, source, bad)
        assert response.status_code == 400, (bad, response.content)
        assert "entity" in response.json()
    assert Span.objects.get(pk=source["id"]).entity_id is None


def test_nobody_links_another_annotators_span_and_a_stale_version_is_a_409(api, world):
    entity = entity_create(project=world.project, actor=world.admin, name="The minister")
    span = make_span(api, world, "the minister")
    assert link(api, world.annotator2, span, entity.pk).status_code == 404  # not theirs to see
    assert link(api, world.reviewer, span, entity.pk).status_code == 403
    assert link(api, world.outsider, span, entity.pk).status_code == 404
    assert link(api, world.annotator, span, entity.pk).status_code == 200
    stale = link(api, world.annotator, span, None)   # still version 1
    assert stale.status_code == 409
    assert Span.objects.get(pk=span["id"]).entity_id == entity.pk


def test_merging_moves_every_mention_keeps_the_names_and_records_each_move(api, world):
    blinken = entity_create(project=world.project, actor=world.admin, name="Antony Blinken")
    minister = entity_create(project=world.project, actor=world.annotator, name="The minister",
                             aliases=["minister"])
    spans = [make_span(api, world, "the minister"), make_span(api, world, "officials"),
             make_span(api, world, "A spokesperson")]
    for span in spans[:2]:
        assert link(api, world.annotator, span, minister.pk).status_code == 200
    assert link(api, world.annotator, spans[2], blinken.pk).status_code == 200

    url = f"{entities_url(world.project)}{minister.pk}/merge/"
    assert api(world.annotator).post(url, {"into": blinken.pk}, format="json").status_code == 403
    merged = api(world.reviewer).post(url, {"into": blinken.pk}, format="json")
    assert merged.status_code == 200, merged.content
    assert merged.json()["mentions"] == 3
    assert merged.json()["aliases"] == ["The minister", "minister"]
    assert not SourceEntity.objects.filter(pk=minister.pk).exists()
    assert set(Span.objects.filter(pk__in=[s["id"] for s in spans]).values_list(
        "entity_id", flat=True)) == {blinken.pk}
    moves = Event.objects.filter(target_type="span", note__contains="merged into")
    assert sorted(moves.values_list("target_id", flat=True)) == sorted(
        s["id"] for s in spans[:2])
    assert Event.objects.filter(target_type="entity", target_id=minister.pk,
                                action="merge").get().after["mentions_moved"] == 2


def test_bad_merges_and_deletes_are_refused_and_change_nothing(api, world):
    ours = entity_create(project=world.project, actor=world.admin, name="Officials")
    theirs = entity_create(project=world.other_project, actor=world.outsider, name="Officials")
    url = f"{entities_url(world.project)}{ours.pk}/merge/"
    across = api(world.admin).post(url, {"into": theirs.pk}, format="json")
    assert across.status_code == 400 and "into" in across.json()
    itself = api(world.admin).post(url, {"into": ours.pk}, format="json")
    assert itself.status_code == 400 and "into" in itself.json()
    # Another project's entity is not found through this project's URL.
    assert api(world.admin).get(f"{entities_url(world.project)}{theirs.pk}/").status_code == 404
    assert api(world.stranger).get(entities_url(world.project)).status_code == 404

    span = make_span(api, world, "officials")
    assert link(api, world.annotator, span, ours.pk).status_code == 200
    in_use = api(world.admin).delete(f"{entities_url(world.project)}{ours.pk}/")
    assert in_use.status_code == 409 and "1 source span" in in_use.json()["detail"]
    assert SourceEntity.objects.filter(pk__in=[ours.pk, theirs.pk]).count() == 2
    spare = entity_create(project=world.project, actor=world.admin, name="Nobody at all")
    assert api(world.reviewer).delete(
        f"{entities_url(world.project)}{spare.pk}/").status_code == 204


@pytest.mark.parametrize("body, field", [
    ({"name": "x" * 10_000}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "Bell\u0007"}, "name"),
    ({"name": "Ok", "type": "alien"}, "type"),
    ({"name": "Ok", "aliases": ["fine", "y" * 301]}, "aliases[1]"),
    ({"name": "Ok", "aliases": "not a list"}, "aliases"),
])
def test_bad_entities_get_a_400_naming_the_field_and_nothing_is_written(api, world, body, field):
    response = api(world.annotator).post(entities_url(world.project), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not SourceEntity.objects.exists()


def test_names_are_unique_per_project_and_renames_need_the_version(api, world):
    first = entity_create(project=world.project, actor=world.admin, name="Officials")
    entity_create(project=world.other_project, actor=world.outsider, name="Officials")  # fine
    again = api(world.annotator).post(entities_url(world.project), {"name": "Officials"},
                                      format="json")
    assert again.status_code == 400 and "name" in again.json()
    other = entity_create(project=world.project, actor=world.admin, name="Critics")
    url = f"{entities_url(world.project)}{other.pk}/"
    assert api(world.annotator).patch(url, {"name": "Foes", "version": 1},
                                      format="json").status_code == 403
    clash = api(world.reviewer).patch(url, {"name": "Officials", "version": 1}, format="json")
    assert clash.status_code == 400 and "name" in clash.json()
    renamed = api(world.reviewer).patch(url, {"name": "Critics of the deal", "type": "group",
                                              "version": 1}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert (renamed.json()["name"], renamed.json()["type"], renamed.json()["version"]) == (
        "Critics of the deal", "group", 2)
    stale = api(world.reviewer).patch(url, {"name": "Late", "version": 1}, format="json")
    assert stale.status_code == 409
    assert SourceEntity.objects.get(pk=first.pk).name == "Officials"


def test_the_entity_list_reads_in_a_fixed_number_of_queries(api, world,
                                                            django_assert_max_num_queries):
    client = api(world.reviewer)
    for n in range(3):
        entity_create(project=world.project, actor=world.admin, name=f"Source {n}")
    with django_assert_max_num_queries(8) as few:
        assert client.get(entities_url(world.project)).json()["count"] == 3
    for n in range(3, 30):
        entity_create(project=world.project, actor=world.admin, name=f"Source {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(entities_url(world.project)).json()["count"] == 30


def test_an_export_with_entities_imports_into_another_project_with_them(api, world, tmp_path):
    """JSON Lines round trip: the entities come back by name, existing ones are reused,
    and the SOURCE spans mention them again."""
    import io
    import json
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from annotator.models import Document
    from annotator.services.exports import export_job_run, export_job_start

    entity = entity_create(project=world.project, actor=world.admin, name="The minister",
                           type="person", aliases=["minister"])
    span = make_span(api, world, "the minister")
    assert link(api, world.annotator, span, entity.pk).status_code == 200
    job = export_job_start(project=world.project, requested_by=world.admin, fmt="jsonl",
                           layer="all")
    export_job_run(job_id=job.pk)
    download = api(world.admin).get(f"/api/export-jobs/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    [name] = [n for n in archive.namelist() if n.endswith(".jsonl")]
    line = json.loads(archive.read(name).decode().splitlines()[0])
    assert line["entities"] == [{"id": "E1", "name": "The minister", "type": "person",
                                 "aliases": ["minister"]}]
    [source] = [s for s in line["spans"] if s["label"] == "SOURCE"]
    assert source["entity"] == "E1"

    # Into the other project, which has an entity of that name already: it is reused.
    existing = entity_create(project=world.other_project, actor=world.outsider,
                             name="The minister")
    data = archive.read(name)
    response = api(world.outsider).post(
        f"/api/projects/{world.other_project.pk}/imports/",
        {"file": SimpleUploadedFile("back.jsonl", data), "format": "jsonl"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["entities_created"] == 0
    imported = Document.objects.get(project=world.other_project, text=world.document.text)
    assert list(Span.objects.filter(document=imported, label__name="SOURCE").values_list(
        "entity_id", flat=True)) == [existing.pk]


@pytest.mark.parametrize("change, reason", [
    (lambda line: line["spans"][0].update(entity="E9"), "is not the id of one of"),
    (lambda line: line["entities"].append({"id": "E2", "name": "x" * 10_000}), "at most 300"),
    (lambda line: line["entities"].append({"id": "E2", "name": "Ok", "type": "alien"}),
     "is not one of"),
])
def test_an_import_whose_entities_are_wrong_is_refused_and_writes_nothing(api, world, change,
                                                                          reason):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from annotator.models import Document

    text = "The minister said the deal is dead."
    line = {"text": text, "spans": [{"id": "T1", "label": "SOURCE", "start": 0, "end": 12,
                                     "entity": "E1"}],
            "entities": [{"id": "E1", "name": "The minister"}]}
    change(line)
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/imports/",
        {"file": SimpleUploadedFile("bad.jsonl", (json.dumps(line) + "\n").encode()),
         "format": "jsonl"}, format="multipart")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors[0]["where"] == "bad.jsonl:1" and reason in errors[0]["reason"], errors
    assert not Document.objects.filter(text=text).exists()
    assert not SourceEntity.objects.exists()
