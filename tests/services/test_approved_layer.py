"""selectors/approved.py decides the approved layer; the export writes exactly it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.selectors import approved_layer_for_document, approved_layer_list_for_documents
from tests.services.transfer_world import build, export_bytes, jsonl_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(make_project, make_user):
    return build(make_project, make_user)


def test_the_layers_of_many_documents_take_three_queries_when_read_together(labelled):
    ids = [labelled.seed.pk, labelled.emoji.pk]
    with CaptureQueriesContext(connection) as captured:
        layers = approved_layer_list_for_documents(document_ids=ids)
    assert len(captured.captured_queries) == 3  # attributions, fragments, spans
    assert [layer.document for layer in layers] == ids
    one = approved_layer_for_document(document=labelled.emoji)
    assert (one.spans, one.attributions) == (layers[1].spans, layers[1].attributions)


def test_the_export_writes_the_selectors_layer_when_approved(labelled):
    records = {r["id"]: r for r in jsonl_records(export_bytes(labelled.project))}
    for document in (labelled.seed, labelled.emoji):
        layer = approved_layer_for_document(document=document)
        record = records[document.pk]
        assert [(s.label, s.start, s.end, s.quote) for s in layer.spans] == [
            (s["label"], s["start"], s["end"], s["text"]) for s in record["spans"]]
        number = {f"T{n}": span for n, span in enumerate(layer.spans, start=1)}
        assert [([c.id for c in a.claims], a.source and a.source.id, a.cue and a.cue.id,
                 a.attributes) for a in layer.attributions] == [
            ([number[c].id for c in a["claims"]], a["source"] and number[a["source"]].id,
             a["cue"] and number[a["cue"]].id, a["attributes"]) for a in record["attributions"]]
