"""manage.py import_documents and export_project."""
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from annotator.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(make_project, make_user):
    return make_project(name="Wire", admin=make_user("wireadmin"))


def test_import_then_export_with_a_progress_bar_on_stderr(project, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps({"title": f"D{i}", "text": f"Officials said {i}.",
                                          "spans": [{"label": "SOURCE", "start": 0, "end": 9,
                                                     "provenance": {"review_state": "approved"}}]
                                          }) + "\n" for i in range(3)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", "Wire", str(source), "--format", "jsonl",
                 "--keep-review-state", stdout=out, stderr=err)
    assert "3 document(s) imported" in out.getvalue()
    assert "writing" in err.getvalue() and "3/3 documents" in err.getvalue()
    target = tmp_path / "out.zip"
    out, err = io.StringIO(), io.StringIO()
    call_command("export_project", "Wire", str(target), "--format", "conll", stdout=out,
                 stderr=err)
    assert "3 document(s), 3 span(s)" in out.getvalue() and "3/3" in err.getvalue()
    names = zipfile.ZipFile(target).namelist()
    assert names == ["data.conll", "loss-report.jsonl", "manifest.json"]
    folder = tmp_path / "folder"
    call_command("export_project", str(project.pk), str(folder), "--format", "jsonl",
                 "--layer", "annotator:wireadmin", stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(p.name for p in folder.iterdir()) == ["data.jsonl", "manifest.json"]


def test_a_bad_file_lists_its_lines_and_stores_nothing(project, tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "ok"}\n{"nope": 1}\n', encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_documents", "Wire", str(source), "--format", "jsonl",
                     stdout=io.StringIO(), stderr=err)
    assert "bad.jsonl:2: text: is required" in err.getvalue()
    assert not Document.objects.filter(project=project).exists()


def test_unknown_project_layer_or_file_are_command_errors(project, tmp_path):
    with pytest.raises(CommandError, match="No project"):
        call_command("export_project", "Nope", str(tmp_path / "x.zip"), "--format", "jsonl")
    with pytest.raises(CommandError, match="not a member"):
        call_command("export_project", "Wire", str(tmp_path / "x.zip"), "--format", "jsonl",
                     "--layer", "annotator:ghost")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_documents", "Wire", str(tmp_path / "missing.txt"), "--format",
                     "txt", stdout=io.StringIO(), stderr=io.StringIO())


def test_import_options_as_flags_print_what_normalising_changed_and_what_was_not_kept(
        project, tmp_path):
    source = tmp_path / "raw.jsonl"
    source.write_text(json.dumps({"title": "Raw", "text": "Cafe\u0301 said so.\r\n", "spans": [
        {"label": "SOURCE", "start": 0, "end": 5, "provenance": {"review_state": "approved"}}]})
        + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_documents", "Wire", str(source), "--format", "jsonl",
                 "--normalize", "nfc", "--normalize", "lf", stdout=out, stderr=io.StringIO())
    assert Document.objects.get(project=project).text == "Café said so.\n"
    printed = out.getvalue()
    assert ("normalized: raw.jsonl:1: 1 line end(s), 1 character(s) NFC rewrote, 2 code "
            "point(s) removed, 1 span(s) moved.") in printed
    assert "review states not kept (1 approved)" in printed


def test_keep_review_state_needs_an_admin_and_bad_flags_are_command_errors(
        project, tmp_path, make_user):
    from annotator.services.projects import membership_set

    member = make_user("wireann")
    membership_set(project=project, user=member, role="annotator")
    source = tmp_path / "a.jsonl"
    source.write_text('{"text": "Officials said so."}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="must be an admin"):
        call_command("import_documents", "Wire", str(source), "--format", "jsonl",
                     "--user", "wireann", "--keep-review-state", stdout=io.StringIO(),
                     stderr=io.StringIO())
    with pytest.raises(CommandError, match="annotator_map"):
        call_command("import_documents", "Wire", str(source), "--format", "jsonl",
                     "--annotator-map", "7:alice", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Document.objects.filter(project=project).exists()
