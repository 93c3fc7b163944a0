"""Import and export on the project page, in Chromium: upload, bad lines, export, download."""
import io
import json
import zipfile

import pytest

from annotator.models import Document, ExportJob
from annotator.services.exports import export_job_run
from tests.e2e.conftest import login, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_uploads_sees_every_bad_line_exports_and_downloads_the_zip(
        page, live_server, world, tmp_path, shot):
    login(page, live_server, "boss", next_path=f"/projects/{world.project.pk}/")
    good = tmp_path / "news.jsonl"
    good.write_text(json.dumps({"title": "Talks", "text": "Officials said talks 🇺🇦 collapsed.",
                                "spans": [{"label": "SOURCE", "start": 0, "end": 9}]}) + "\n",
                    encoding="utf-8")
    page.set_input_files("#ann-import-file", str(good))
    page.select_option("#ann-import-format", "jsonl")
    page.click(".ann-import-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('.ann-transfer-message')"
                           ".textContent.startsWith('Imported')")
    assert "Imported 1 document(s)" in text_of(page, ".ann-transfer-message")
    assert Document.objects.filter(project=world.project, title="Talks").exists()

    bad = tmp_path / "<img src=x onerror=alert(1)>.jsonl"
    bad.write_text('{"text": "ok"}\n<b>not json</b>\n{"title": "no text"}\n', encoding="utf-8")
    page.set_input_files("#ann-import-file", str(bad))
    page.click(".ann-import-form button[type=submit]")
    page.wait_for_selector(".ann-import-errors li")
    items = page.locator(".ann-import-errors li").all_text_contents()
    assert len(items) == 2 and items[0].startswith("<img src=x onerror=alert(1)>.jsonl:2")
    assert page.locator(".ann-import-errors img").count() == 0  # shown as text, not markup
    assert "Nothing was imported" in text_of(page, ".ann-transfer-message")
    shot(page, "transfers-import-errors")

    page.select_option("#ann-export-format", "brat")
    page.click(".ann-export-form button[type=submit]")
    page.wait_for_selector(".ann-export-list .ann-job-queued")
    job = ExportJob.objects.get(project=world.project)
    export_job_run(job_id=job.pk)  # what the worker does; the page polls while it is queued
    page.wait_for_selector(".ann-export-list .ann-job-done a", timeout=15_000)
    shot(page, "transfers-export-done")
    with page.expect_download() as download:
        page.click(".ann-export-list .ann-job-done a")
    data = open(download.value.path(), "rb").read()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "manifest.json" in names and any(n.endswith(".ann") for n in names)
    assert download.value.suggested_filename.endswith(".zip")
    assert not page.js_errors


def test_imported_documents_appear_in_the_list_without_a_reload_titled_by_file_and_line(
        page, live_server, world, tmp_path, shot):
    login(page, live_server, "boss", next_path=f"/projects/{world.project.pk}/")
    page.evaluate("() => { window.__sameDocument = true; }")   # gone if the page reloads
    titles = lambda: page.locator("#ann-documents td a").all_text_contents()  # noqa: E731
    assert titles() == []
    source = tmp_path / "wire.jsonl"
    source.write_text(json.dumps({"text": "Officials said the talks\r\ncollapsed.",
                                  "label": [[0, 9, "SOURCE"]]}) + "\n" +
                      json.dumps({"text": "A second story.", "title": "Second"}) + "\n",
                      encoding="utf-8")
    page.set_input_files("#ann-import-file", str(source))
    page.select_option("#ann-import-format", "doccano")
    page.click(".ann-import-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#ann-documents td a').length == 2")
    assert sorted(titles()) == ["Second", "wire.jsonl:1"]
    assert "(untitled)" not in text_of(page, "#ann-documents")
    assert "Reload" not in text_of(page, ".ann-transfer-message")
    assert page.evaluate("() => window.__sameDocument") is True
    stored = Document.objects.get(project=world.project, title="wire.jsonl:1")
    assert stored.text == "Officials said the talks\r\ncollapsed."   # stored exactly
    # the refreshed list works like the first one: its link opens the workspace
    page.click("#ann-documents td a >> text=wire.jsonl:1")
    page.wait_for_selector("body[data-ready=true]")
    shot(page, "transfers-imported-listed")
    assert not page.js_errors
