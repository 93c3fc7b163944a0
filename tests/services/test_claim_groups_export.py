"""Exports carry the claim groups: `claim_group` on the approved layer's attributions in
JSON Lines, a column in CSV, numbered G1, G2, ... in the export's order."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest

from annotator.services.claim_groups import claim_groups_update
from tests.api.conftest import world  # noqa: F401  (the fixture)
from tests.claim_world import BRIDGE, DEAL, DEAL_EDITED, DEAL_LOWER, quote_article
from tests.services.transfer_world import export_bytes, jsonl_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world):
    quote_article(world, "A", "Daily", "2026-03-05", [BRIDGE, DEAL])
    quote_article(world, "B", "Herald", "2026-03-01", [DEAL_EDITED, BRIDGE.lower()])
    quote_article(world, "C", "Post", None, [DEAL_LOWER, "“Nothing like this was said anywhere else at all,”"])
    claim_groups_update(project_id=world.project.pk)
    return world


def claim_text(record, attribution):
    span = next(s for s in record["spans"] if s["id"] == attribution["claims"][0])
    return span["text"]


def test_json_lines_name_the_claim_group_of_each_approved_attribution_said_elsewhere(reported):
    records = jsonl_records(export_bytes(reported.project))
    found = {(r["title"], claim_text(r, a)): a.get("claim_group")
             for r in records for a in r["attributions"]}
    assert found == {("A", BRIDGE): "G1", ("A", DEAL): "G2", ("B", DEAL_EDITED): "G2",
                     ("B", BRIDGE.lower()): "G1", ("C", DEAL_LOWER): "G2",
                     ("C", "“Nothing like this was said anywhere else at all,”"): None}
    c = next(r for r in records if r["title"] == "C")
    assert ["claim_group" in a for a in c["attributions"]] == [True, False]  # said once: no key


def test_the_csv_has_a_claim_group_column_and_other_layers_leave_it_empty(reported):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(reported.project, fmt="csv")))
    rows = list(csv.DictReader(io.StringIO(archive.read("attributions.csv").decode())))
    assert {(r["document_title"], r["claim"]): r["claim_group"] for r in rows}[("C", DEAL_LOWER)] == "G2"
    assert sorted(r["claim_group"] for r in rows) == ["", "G1", "G1", "G2", "G2", "G2"]
    own = zipfile.ZipFile(io.BytesIO(export_bytes(reported.project, fmt="csv", layer="annotator:ann")))
    rows = list(csv.DictReader(io.StringIO(own.read("attributions.csv").decode())))
    assert len(rows) == 6 and {r["claim_group"] for r in rows} == {""}
