"""Imports: all or nothing with every bad line listed, no duplicates, limits, zips, modes."""
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from annotator.models import Attribution, Document, Event, LabelStatus, ReviewDecision, Span
from annotator.services.imports import ImportRefused, import_file

pytestmark = pytest.mark.django_db

TEXT = "Officials said talks collapsed.\nThe mayor warned that “prices will rise” 🇺🇦."


def jsonl(*records) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps(r, ensure_ascii=False) + "\n"
                              for r in records).encode())


def labelled_record(text=TEXT):
    def where(piece):
        start = text.index(piece)
        return start, start + len(piece)

    spans = []
    for sid, label, piece in [("s", "SOURCE", "Officials"), ("q", "CUE", "said"),
                              ("c", "CLAIM", "talks collapsed."), ("c2", "CLAIM", "talks")]:
        start, end = where(piece)
        spans.append({"id": sid, "label": label, "start": start, "end": end, "text": piece,
                      "provenance": {"annotators": ["someone"], "review_state": "approved"}})
    return {"title": "Talks", "text": text, "metadata": {"k": 1}, "spans": spans,
            "attributions": [{"claims": ["c"], "source": "s", "cue": "q",
                              "attributes": {"quote_type": "indirect"}}]}


@pytest.fixture
def admin(make_user):
    return make_user("importer")


@pytest.fixture
def target(make_project, admin):
    return make_project(admin=admin)


def run(target, admin, stream, fmt="jsonl", name="data.jsonl", **kwargs):
    return import_file(project=target, user=admin, stream=stream, file_name=name, fmt=fmt,
                       **kwargs)


def test_jsonl_labels_go_into_the_importers_layer_unreviewed_when_review_state_is_not_kept(
        target, admin):
    report = run(target, admin, jsonl(labelled_record(), {"text": "Second document."}))
    assert (report.created, report.spans, report.attributions) == (2, 4, 1)
    assert report.review_states_dropped == {"approved": 4}
    document = Document.objects.get(project=target, title="Talks")
    assert document.metadata["k"] == 1
    assert document.metadata["imported"]["annotators"] == ["someone"]
    spans = Span.objects.filter(document=document)
    assert {s.annotator_id for s in spans} == {admin.pk}
    assert {s.status for s in spans} == {LabelStatus.ACCEPTED}
    assert {s.review_state for s in spans} == {"pending"}
    assert not ReviewDecision.objects.exists()  # an approval nobody here made is not kept
    attribution = Attribution.objects.get(document=document)
    assert attribution.attributes == {"quote_type": "indirect"}
    assert attribution.claim.quote == "talks collapsed." and attribution.source.quote == "Officials"
    assert Event.objects.filter(action="import", document=document).count() == 1


def test_one_bad_line_writes_nothing_and_the_report_lists_every_bad_line(target, admin):
    bad_offsets = labelled_record()
    bad_offsets["spans"][0]["end"] = 9999
    bad_label = labelled_record("Another text: Officials said talks collapsed.")
    bad_label["spans"] = [{"label": "OPINION", "start": 0, "end": 7}]
    stream = jsonl({"text": "Fine."}, bad_offsets, {"text": ""}, bad_label)
    stream = io.BytesIO(stream.getvalue() + b"{oops\n")
    with pytest.raises(ImportRefused) as info:
        run(target, admin, stream)
    where = sorted({e["where"] for e in info.value.report.errors})
    assert where == ["data.jsonl:2", "data.jsonl:3", "data.jsonl:4", "data.jsonl:5"]
    reasons = " ".join(e["reason"] for e in info.value.report.errors)
    assert "past the end" in reasons and "OPINION" in reasons and "not JSON" in reasons
    assert not Document.objects.filter(project=target).exists()


def test_importing_the_same_file_twice_adds_no_document_and_counts_duplicates(target, admin):
    data = jsonl(labelled_record(), {"text": "Second\ndocument."}, {"text": "Second\ndocument."},
                 {"text": "Second\r\ndocument."}).getvalue()  # another text: stored as given
    first = run(target, admin, io.BytesIO(data))
    assert (first.created, first.duplicates) == (3, 1)
    second = run(target, admin, io.BytesIO(data))
    assert (second.created, second.duplicates, second.spans) == (0, 4, 0)
    assert Document.objects.filter(project=target).count() == 3


def test_line_endings_are_normalised_on_request_and_offsets_follow_them(target, admin):
    text = "Line one.\r\nOfficials said it.\r\n"
    start = text.index("Officials")
    record = {"text": text, "spans": [{"label": "SOURCE", "start": start, "end": start + 9,
                                       "text": "Officials"}]}
    report = run(target, admin, jsonl(record), normalize=["lf"])
    span = Span.objects.get(document__project=target)
    assert span.document.text == "Line one.\nOfficials said it.\n"
    assert span.quote == "Officials" and span.start == start - 1
    assert report.normalized == [{"where": "data.jsonl:1", "line_ends": 2, "nfc": 0,
                                  "removed": 2, "spans_moved": 1}]


def test_a_line_over_the_limit_and_a_file_over_the_limit_give_clear_errors(
        target, admin, settings):
    settings.IMPORT_MAX_LINE_KB = 1
    with pytest.raises(ImportRefused) as info:
        run(target, admin, jsonl({"text": "short"}, {"text": "x" * 5000}))
    assert info.value.report.errors == [
        {"where": "data.jsonl:2", "reason": "the line is longer than the limit of 1,024 bytes."}]
    settings.MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError) as too_big:
        run(target, admin, jsonl({"text": "short"}))
    assert "larger than the limit" in too_big.value.message_dict["file"][0]


def test_txt_files_alone_or_zipped_become_documents(target, admin):
    report = run(target, admin, io.BytesIO("One story.\r\n".encode()), fmt="txt", name="a.txt")
    assert report.created == 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("news/b.txt", "Two.")
        archive.writestr("news/c.txt", "Three.")
        archive.writestr("__MACOSX/._b.txt", "junk")
    report = run(target, admin, buffer, fmt="txt", name="news.zip")
    assert report.created == 2
    assert set(Document.objects.filter(project=target).values_list("title", flat=True)) == {
        "a", "b", "c"}


@pytest.mark.parametrize("bad_name", ["../evil.txt", "/abs.txt"])
def test_zip_entries_escaping_the_folder_are_refused_and_nothing_is_written(
        target, admin, bad_name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good.txt", "Good.")
        archive.writestr(bad_name, "Evil.")
    with pytest.raises(ValidationError) as info:
        run(target, admin, buffer, fmt="txt", name="x.zip")
    assert "refused" in info.value.message_dict["file"][0]
    assert not Document.objects.filter(project=target).exists()


def test_a_zip_bomb_is_refused(target, admin, settings):
    settings.IMPORT_MAX_UNZIPPED_MB = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", "a" * (3 * 1024 * 1024))
    assert len(buffer.getvalue()) < 20_000
    with pytest.raises(ValidationError) as info:
        run(target, admin, buffer, fmt="txt", name="bomb.zip")
    assert "unpacks to" in info.value.message_dict["file"][0]


def test_brat_needs_a_zip_and_reads_one(target, admin):
    with pytest.raises(ValidationError):
        run(target, admin, io.BytesIO(b"T1\tCLAIM 0 1\tx\n"), fmt="brat", name="x.ann")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("d.txt", "Officials said talks collapsed.")
        archive.writestr("d.ann", "T1\tSOURCE 0 9\tOfficials\nT2\tCUE 10 14\tsaid\n"
                                  "T3\tCLAIM 15 31\ttalks collapsed.\n"
                                  "E1\tCLAIM:T3 Source:T1 Cue:T2\n"
                                  "A1\tquote_type E1 indirect\n")
    report = run(target, admin, buffer, fmt="brat", name="b.zip")
    assert (report.created, report.spans, report.attributions) == (1, 3, 1)


def test_doccano_relations_become_attributions_with_fragments(target, admin):
    text = "“It is over,” she said, “for good.”"
    record = {"id": 7, "text": text, "entities": [
        {"id": 1, "label": "CLAIM", "start_offset": 1, "end_offset": 12},
        {"id": 2, "label": "SOURCE", "start_offset": 14, "end_offset": 17},
        {"id": 3, "label": "CUE", "start_offset": 18, "end_offset": 22},
        {"id": 4, "label": "CLAIM", "start_offset": 25, "end_offset": 34}],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "says"},
                      {"id": 2, "from_id": 3, "to_id": 4, "type": "cue"},
                      {"id": 3, "from_id": 1, "to_id": 4, "type": "continues"}],
        "Comments": []}
    report = run(target, admin, jsonl(record), fmt="doccano")
    assert (report.spans, report.attributions) == (4, 1)
    attribution = Attribution.objects.get(document__project=target)
    assert attribution.claim.quote == "It is over,"
    assert [f.span.quote for f in attribution.fragments.all()] == ["for good."]
    assert attribution.source.quote == "she" and attribution.cue.quote == "said"


def test_suggestions_mode_stores_suggestions_of_the_import_tagger(target, admin):
    report = run(target, admin, jsonl(labelled_record()), mode="suggestions")
    assert (report.spans, report.attributions) == (4, 1)
    spans = Span.objects.filter(document__project=target)
    assert {(s.annotator_id, s.status, s.tagger_name) for s in spans} == {
        (None, "suggested", "import")}


def test_an_empty_file_and_a_bad_format_are_clear_errors(target, admin):
    with pytest.raises(ImportRefused) as info:
        run(target, admin, io.BytesIO(b"\n\n"))
    assert info.value.report.errors[0]["reason"] == "the file holds no document."
    with pytest.raises(ValidationError):
        run(target, admin, io.BytesIO(b"x"), fmt="docx")


def test_progress_is_reported_while_checking_and_writing(target, admin):
    seen = []
    run(target, admin, jsonl(*[{"text": f"Document {i}."} for i in range(5)]),
        progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert ("checking", 5, None) in seen and seen[-1] == ("writing", 5, 5)


# --- Text stored exactly; normalising on request --------------------------------------------

COMBINING_CRLF = "Cafe\u0301 owners said:\r\n\u201cPrices will rise.\u201d\r\n"


def exact_record(text=COMBINING_CRLF):
    start = text.index("Prices")
    return {"title": "Exact", "text": text,
            "spans": [{"label": "CLAIM", "start": start, "end": start + 17,
                       "text": "Prices will rise."},
                      {"label": "SOURCE", "start": 0, "end": 12, "text": "Cafe\u0301 owners"}]}


@pytest.mark.parametrize("fmt,data,name", [
    ("jsonl", None, "data.jsonl"),
    ("txt", COMBINING_CRLF.encode(), "exact.txt"),
    ("doccano", json.dumps({"text": COMBINING_CRLF, "label": [[0, 12, "SOURCE"]]}).encode(),
     "d.jsonl"),
])
def test_every_format_stores_the_text_exactly_by_default_when_it_has_crlf_and_marks(
        target, admin, fmt, data, name):
    stream = jsonl(exact_record()) if data is None else io.BytesIO(data)
    report = run(target, admin, stream, fmt=fmt, name=name)
    document = Document.objects.get(project=target)
    assert document.text == COMBINING_CRLF and document.length == len(COMBINING_CRLF) == 41
    assert report.normalized == []
    for span in Span.objects.filter(document=document):
        assert COMBINING_CRLF[span.start:span.end] == span.quote
    if fmt == "jsonl":
        assert sorted((s.start, s.end) for s in Span.objects.filter(document=document)) == [
            (0, 12), (21, 38)]


def test_normalize_rewrites_the_text_moves_offsets_and_reports_each_change(target, admin):
    report = run(target, admin, jsonl(exact_record(), {"text": "Already clean."}),
                 normalize=["nfc", "lf"])
    document = Document.objects.get(project=target, title="Exact")
    assert document.text == "Café owners said:\n“Prices will rise.”\n"
    assert sorted(s.quote for s in Span.objects.filter(document=document)) == [
        "Café owners", "Prices will rise."]
    assert report.normalized == [{"where": "data.jsonl:1", "line_ends": 2, "nfc": 1,
                                  "removed": 3, "spans_moved": 2}]
    assert document.metadata["imported"]["normalized"]["removed"] == 3
    assert report.options["normalize"] == ["lf", "nfc"]


def test_normalize_refuses_a_span_it_cannot_keep_naming_the_line_and_span(target, admin):
    record = {"text": COMBINING_CRLF, "spans": [{"label": "SOURCE", "start": 0, "end": 4}]}
    with pytest.raises(ImportRefused) as info:
        run(target, admin, jsonl({"text": "Fine."}, record), normalize=["nfc"])
    (error,) = info.value.report.errors
    assert error["where"] == "data.jsonl:2" and error["reason"].startswith("spans[0].start:")
    assert not Document.objects.exists()


def test_bad_options_are_validation_errors_naming_the_option(target, admin):
    for option, value in [("normalize", ["nfkc"]), ("offsets", "bytes"), ("layers", "all")]:
        with pytest.raises(ValidationError) as info:
            run(target, admin, jsonl({"text": "x"}), **{option: value})
        assert list(info.value.message_dict) == [option]
    with pytest.raises(ValidationError) as info:
        run(target, admin, jsonl({"text": "x"}), mode="suggestions", keep_review_state=True)
    assert list(info.value.message_dict) == ["keep_review_state"]


def test_a_brat_txt_with_a_byte_order_mark_drops_it_and_moves_the_ann_offsets(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # brat reads the .txt with its BOM and counts it: "Officials" is at 1..10 there
        archive.writestr("d.txt", "\ufeffOfficials said talks collapsed.\r\n".encode())
        archive.writestr("d.ann", "T1\tSOURCE 1 10\tOfficials\n")
    run(target, admin, buffer, fmt="brat", name="b.zip")
    span = Span.objects.get(document__project=target)
    assert span.document.text == "Officials said talks collapsed.\r\n"
    assert (span.start, span.end, span.quote) == (0, 9, "Officials")


# --- Review states: unreviewed by default, or kept with a who ---------------------------------

def test_keep_review_state_records_a_decision_by_the_importer_naming_file_and_reviewer(
        target, admin):
    record = labelled_record()
    record["spans"][0]["provenance"]["reviewer"] = "rev-elsewhere"
    record["spans"][1]["provenance"]["review_state"] = "rejected"
    record["attributions"][0]["provenance"] = {"review_state": "approved"}
    report = run(target, admin, jsonl(record), keep_review_state=True)
    assert report.review_states_dropped == {}
    spans = {s.quote: s for s in Span.objects.filter(document__project=target)}
    assert spans["Officials"].review_state == "approved" and spans["said"].review_state == \
        "rejected"
    decisions = {(d.span.quote if d.span else "attribution", d.decision, d.reviewer_id, d.note)
                 for d in ReviewDecision.objects.select_related("span")}
    assert (("Officials", "approve", admin.pk,
             "Imported as approved from data.jsonl (data.jsonl:1); the file names "
             "'rev-elsewhere' as its reviewer.") in decisions)
    assert ("said", "reject", admin.pk, "Imported as rejected from data.jsonl (data.jsonl:1); "
                                        "the file names no reviewer.") in decisions
    assert ("attribution", "approve", admin.pk,
            "Imported as approved from data.jsonl (data.jsonl:1); the file names no "
            "reviewer.") in decisions
    assert len(decisions) == 5   # every kept state has its decision, none more
