"""Files written by the real doccano 1.8.4 and Label Studio 1.23.2 (fixtures/real/README.md):
every span lands at the code points of expected.json, every attribution is the one drawn."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.formats import doccano, labelstudio, sniff
from annotator.formats.archive import iter_lines
from annotator.formats.check import Rules, check_document

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
EXPECTED = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
RULES = Rules(labels={"CLAIM", "SOURCE", "CUE"})
DOCS = {p.name: p.read_bytes().decode("utf-8") for p in (REAL / "docs").glob("*.txt")}

# The attributions drawn (README, "What was labelled"): (claim fragments, source, cue).
ADMIN_PLAN = {
    "a_emoji.txt": {(("will cut waiting lists 😀 in half by next spring.",), "The minister",
                     "said")},
    "b_crlf.txt": {(("The strike will last\r\nuntil wages go up.",), "Their union leader",
                    "said")},
    "c_split.txt": {(("The deal is dead", "and nobody will revive it."), "he", "said")},
    "d_two_sources.txt": {(("the old bridge would reopen in May",), "Smith", "said"),
                          (("the old bridge would reopen in May",), "Jones", "said")},
    "e_combining.txt": {(("e\u0301lan alone would not win the final",), "E\u0301lise Moreau",
                         "said")},
    "f_ascii.txt": {(("the new park will open in June",), "The mayor", "said")},
}
SECOND_PLAN = {   # doccano alice, Label Studio bob
    "a_emoji.txt": {(('"will cut waiting lists 😀 in half by next spring."',),
                     "The minister 🇫🇷", "said")},
    "c_split.txt": {(('"The deal is dead,"', '"and nobody will revive it."'), "he", "said")},
}


def attributions_of(document) -> set:
    spans = document.span_map()

    def text(span_id):
        return spans[span_id].text if span_id else None

    return {(tuple(text(c) for c in a.claims), text(a.source), text(a.cue))
            for a in document.attributions}


def spans_of(document) -> list:
    return sorted((s.label, s.start, s.end, s.text) for s in document.spans)


def expected_spans(item) -> list:
    return sorted((s["label"], s["cp_start"], s["cp_end"], s["text"]) for s in item["spans"])


DOCCANO = sorted(name for name in EXPECTED if name.startswith("doccano/"))


@pytest.mark.parametrize("name", DOCCANO)
def test_every_doccano_file_reads_at_the_expected_code_points_with_its_attributions(name):
    data = (REAL / name).read_bytes()
    entries = list(doccano.read(iter_lines(io.BytesIO(data), 1 << 20), name))
    assert len(entries) == len(EXPECTED[name])
    for entry, item in zip(entries, EXPECTED[name]):
        assert not entry.errors, entry.errors
        document, problems = check_document(entry.document, RULES)
        assert not problems, (entry.where, problems)
        assert document.text == DOCS[item["title"]]           # stored exactly, CRs and all
        assert document.title == item["title"]
        assert spans_of(document) == expected_spans(item), entry.where
        with_relations = "no-relations" not in name and item["relations"]
        plan = SECOND_PLAN if item["layer"] == "alice" else ADMIN_PLAN
        wanted = plan[item["title"]] if with_relations else set()
        assert attributions_of(document) == wanted, entry.where


@pytest.mark.parametrize("name,units", [
    ("doccano/seq-relations/admin.jsonl", "UTF-16 units"),
    ("doccano/seq-relations-grapheme-mode/admin.jsonl", "grapheme clusters")])
def test_doccano_offsets_are_repaired_with_a_note_saying_what_they_counted(name, units):
    data = (REAL / name).read_bytes()
    entry = next(doccano.read(iter_lines(io.BytesIO(data), 1 << 20), name))
    document, _ = check_document(entry.document, RULES)
    assert document.notes[0].startswith(f"offsets read as {units} (")
    assert len(document.notes) == 1 + 3          # the reason, then one line per span moved


LABEL_STUDIO = [("labelstudio/JSON/project-1-at-2026-12-03-09-40-56495a43.json", labelstudio.read),
                ("labelstudio/JSON_MIN/project-1-at-2026-12-03-09-41-56495a43.json",
                 labelstudio.read_min)]


@pytest.mark.parametrize("name,reader", LABEL_STUDIO)
def test_every_label_studio_export_reads_with_a_layer_per_annotation(name, reader):
    entries = list(reader((REAL / name).read_bytes(), name))
    assert [e.where.rsplit("#", 1)[1] for e in entries] == ["1", "2", "3", "4", "5", "6"]
    by_title: dict[str, list] = {}
    for item in EXPECTED[name]:
        by_title.setdefault(item["title"], []).append(item)
    for entry in entries:
        assert not entry.errors, entry.errors
        document, problems = check_document(entry.document, RULES)
        assert not problems, (entry.where, problems)
        assert document.text == DOCS[document.title]
        layers: dict[str, list] = {}
        for span in document.spans:
            layers.setdefault(span.provenance["annotators"][0], []).append(span)
        wanted = {str(item.get("completed_by") or item.get("annotator")): expected_spans(item)
                  for item in by_title[document.title]}
        assert {who: sorted((s.label, s.start, s.end, s.text) for s in spans)
                for who, spans in layers.items()} == wanted
        if reader is labelstudio.read:   # JSON_MIN has no relations
            plans = {"1": ADMIN_PLAN, "2": SECOND_PLAN}
            assert attributions_of(document) == set().union(
                *(plans[who][document.title] for who in layers))


def test_label_studio_line_breaks_written_as_backslash_n_are_checked_against_the_text():
    name, reader = LABEL_STUDIO[0]
    entry = list(reader((REAL / name).read_bytes(), name))[1]   # b_crlf.txt
    document, problems = check_document(entry.document, RULES)
    assert not problems
    claim = next(s for s in document.spans if s.label == "CLAIM")
    assert document.text[claim.start:claim.end] == "The strike will last\r\nuntil wages go up."
    assert document.notes == ['spans[2] CLAIM: Label Studio wrote its line breaks as "\\n"; '
                              "compared with the document's line breaks instead."]


def test_label_studio_predictions_exported_as_ids_are_noted_not_lost_silently():
    name, reader = LABEL_STUDIO[0]
    entry = list(reader((REAL / name).read_bytes(), name))[5]   # task 6
    assert entry.document.notes == ["predictions[0]: the export lists this prediction by its "
                                    "id (1) only, without its regions; left out."]


@pytest.mark.parametrize("name,sniffed", [
    ("labelstudio/CSV/project-1-at-2026-12-03-09-41-56495a43.csv", "labelstudio-csv"),
    ("labelstudio/TSV/project-1-at-2026-12-03-09-41-56495a43.csv", "labelstudio-csv"),
    ("labelstudio/CONLL2003/project-1-at-2026-12-03-09-43-56495a43.conll", "conll"),
    ("labelstudio/JSON/project-1-at-2026-12-03-09-40-56495a43.json", "labelstudio"),
    ("labelstudio/JSON_MIN/project-1-at-2026-12-03-09-41-56495a43.json", "labelstudio-min"),
    ("doccano/seq-relations/admin.jsonl", "doccano"),
    ("doccano/seq-no-relations/admin.jsonl", "doccano"),
])
def test_every_real_export_is_recognised_for_what_it_is(name, sniffed):
    assert sniff.sniff_content((REAL / name).read_bytes()) == sniffed
