"""Adding a Format to formats/registry.py is enough for the API and the commands to take it."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotator.api.transfer_serializers import ExportJobStartIn, ImportIn
from annotator.formats import registry
from annotator.formats.records import DocumentRecord, Entry
from annotator.models import Document

pytestmark = pytest.mark.django_db


def _read_lines(source: registry.ImportSource):
    """One document per non-empty line of a text file."""
    for number, line in enumerate(source.stream.read().decode().splitlines(), start=1):
        if line.strip():
            yield Entry(f"{source.name}:{number}", document=DocumentRecord(text=line))


def _write_titles(documents, bundle, context) -> dict:
    bundle.write("titles.txt", [f"{d.title}\n" for d in documents])
    return {"titled": 1}


@pytest.fixture
def new_formats(monkeypatch):
    monkeypatch.setitem(registry.FORMATS, "lines", registry.Format(
        name="lines", title="One document per line", help="Test only.", extension=".txt",
        media_type="text/plain", read_file=_read_lines, also_reads=frozenset({"txt"})))
    monkeypatch.setitem(registry.FORMATS, "titles", registry.Format(
        name="titles", title="Titles", help="Test only.", extension=".txt",
        media_type="text/plain", write=_write_titles, data_file="titles.txt"))


def test_an_import_format_added_to_the_registry_is_accepted_when_uploaded(world, api,
                                                                          new_formats):
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/imports/",
        {"file": SimpleUploadedFile("two.txt", "First one.\n\nSecond 🇺🇦.\n".encode()),
         "format": "lines"}, format="multipart")
    assert response.status_code == 201, response.data
    assert response.data["created"] == 2 and response.data["format"] == "lines"
    assert Document.objects.filter(project=world.project, text="Second 🇺🇦.").exists()
    assert "lines" not in dict(ExportJobStartIn().fields["format"].choices)


def test_a_format_not_registered_is_refused_when_uploaded(world, api):
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/imports/",
        {"file": SimpleUploadedFile("two.txt", b"First one.\n"), "format": "lines"},
        format="multipart")
    assert response.status_code == 400 and "format" in response.data


def test_an_export_format_added_to_the_registry_is_accepted_when_chosen(world, new_formats,
                                                                        tmp_path):
    serializer = ExportJobStartIn(data={"format": "titles"})
    assert serializer.is_valid(), serializer.errors
    assert not ImportIn().fields["format"].choices.get("titles")
    call_command("export_project", "Main", str(tmp_path / "out"), "--format", "titles",
                 "--layer", "all")
    assert (tmp_path / "out" / "titles.txt").read_text() == "Deal\n"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["titled"] == 1
    assert [f["name"] for f in manifest["files"]] == ["titles.txt"]


def test_the_import_command_takes_a_registered_format_when_named(world, new_formats,
                                                                  tmp_path):
    source = tmp_path / "docs.txt"
    source.write_text("Alpha.\nBeta.\n", encoding="utf-8")
    call_command("import_documents", "Main", str(source), "--format", "lines")
    assert set(Document.objects.filter(project=world.project, text__in=["Alpha.", "Beta."])
               .values_list("text", flat=True)) == {"Alpha.", "Beta."}
