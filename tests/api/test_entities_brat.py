"""Source entities through a brat export and import (issue #16, point 1): the entity is a
normalisation line of its SOURCE span, and comes back by name, or is made."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Document, SourceEntity, Span
from annotator.services.entities import entity_create
from annotator.services.exports import export_job_run, export_job_start
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def brat_export(api, world) -> bytes:
    job = export_job_start(project=world.project, requested_by=world.admin, fmt="brat",
                           layer="all")
    export_job_run(job_id=job.pk)
    download = api(world.admin).get(f"/api/export-jobs/{job.pk}/download/")
    return b"".join(download.streaming_content)


def test_a_brat_export_with_entities_imports_into_another_project_with_them(api, world):
    minister = entity_create(project=world.project, actor=world.admin, name="The minister",
                             type="person", aliases=["minister"])
    officials = entity_create(project=world.project, actor=world.admin, name="Officials",
                              type="anonymous")
    client = api(world.annotator)
    for piece, entity in (("the minister", minister), ("officials", officials)):
        span = client.post(f"/api/documents/{world.document.pk}/spans/",
                           span_at(world.document, piece, "SOURCE"), format="json").json()
        response = client.put(f"/api/spans/{span['id']}/entity/",
                              {"entity": entity.pk, "version": span["version"]}, format="json")
        assert response.status_code == 200, response.content
    data = brat_export(api, world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    [ann] = [n for n in archive.namelist() if n.endswith(".ann")]
    lines = [line for line in archive.read(ann).decode().splitlines() if line[0] == "N"]
    assert [line.split("\t", 1)[1].split(" ", 2)[2] for line in lines] == [
        "person:E1\tThe minister", "anonymous:E2\tOfficials"]

    # The other project knows "Officials" already (reused) but not the minister (made).
    existing = entity_create(project=world.other_project, actor=world.outsider,
                             name="Officials", type="anonymous")
    response = api(world.outsider).post(
        f"/api/projects/{world.other_project.pk}/imports/",
        {"file": SimpleUploadedFile("back.zip", data), "format": "brat"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["entities_created"] == 1
    made = SourceEntity.objects.get(project=world.other_project, name="The minister")
    assert made.type == "person" and made.aliases == []   # brat keeps no aliases
    imported = Document.objects.get(project=world.other_project, text=world.document.text)
    linked = dict(Span.objects.filter(document=imported, label__name="SOURCE")
                  .values_list("quote", "entity_id"))
    assert linked == {"the minister": made.pk, "officials": existing.pk}


def test_a_brat_import_whose_entity_type_is_unknown_is_refused_naming_the_line(api, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("d.txt", "Officials said so.")
        archive.writestr("d.ann", "T1\tSOURCE 0 9\tOfficials\nN1\tReference T1 alien:E1\tX\n")
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/imports/",
        {"file": SimpleUploadedFile("b.zip", buffer.getvalue()), "format": "brat"},
        format="multipart")
    assert response.status_code == 400, response.content
    assert "d.ann:2" in response.content.decode() and "alien" in response.content.decode()
    assert not SourceEntity.objects.filter(project=world.project).exists()
