import pytest

from annotator.models import Attribution, ClaimFragment, Event
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def spans(world, api):
    client = api(world.annotator)
    doc = world.document

    def make(piece, label="CLAIM", occurrence=0):
        response = client.post(f"/api/documents/{doc.id}/spans/",
                               span_at(doc, piece, label, occurrence), format="json")
        assert response.status_code == 201, response.json()
        return response.json()["id"]
    return {
        "claim1": make("The deal is dead,"), "claim2": make("and nobody will revive it."),
        "minister": make("the minister", "SOURCE"), "said": make("said", "CUE"),
        "talks": make("talks 🇺🇦 collapsed"), "officials": make("officials", "SOURCE"),
        "warned": make("warned", "CUE"),
    }


def post(client, document, body):
    return client.post(f"/api/documents/{document.id}/attributions/", body, format="json")


def test_attribution_with_a_claim_in_two_fragments_keeps_their_order(world, api, spans):
    response = post(api(world.annotator), world.document,
                    {"claims": [spans["claim1"], spans["claim2"]], "source": spans["minister"],
                     "cue": spans["said"], "attributes": {"quote_type": "direct",
                                                          "source_type": "named person"}})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["claims"] == [spans["claim1"], spans["claim2"]]
    assert body["source"] == spans["minister"] and body["cue"] == spans["said"]
    assert ClaimFragment.objects.get().span_id == spans["claim2"]


def test_attribution_without_source_or_cue_is_data_too(world, api, spans):
    response = post(api(world.annotator), world.document, {"claims": [spans["talks"]]})
    assert response.status_code == 201
    assert response.json()["source"] is None and response.json()["cue"] is None


@pytest.mark.parametrize("body,field", [
    ({"claims": []}, "claims"),
    ({"claims": ["minister"]}, "claims"),          # a SOURCE span as claim
    ({"claims": ["talks"], "source": "said"}, "source"),   # a CUE as source
    ({"claims": ["talks"], "cue": "officials"}, "cue"),
    ({"claims": ["talks", "talks"]}, "claims"),
    ({"claims": ["talks"], "attributes": {"mood": "sad"}}, "attributes"),
    ({"claims": ["talks"], "attributes": {"claim_type": "rumour"}}, "attributes"),
    ({"claims": [999_999]}, "claims"),
])
def test_attribution_create_says_which_field_is_wrong(world, api, spans, body, field):
    resolved = {key: ([spans.get(v, v) for v in value] if key == "claims"
                      else spans.get(value, value) if key in ("source", "cue") else value)
                for key, value in body.items()}
    response = post(api(world.annotator), world.document, resolved)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Attribution.objects.exists()


def test_attribution_refuses_spans_of_another_document(world, api, spans, make_document):
    other_doc = make_document(world.project, text="Officials said nothing.", title="Two")
    client = api(world.annotator)
    foreign = client.post(f"/api/documents/{other_doc.id}/spans/",
                          {"label": "SOURCE", "start": 0, "end": 9}, format="json").json()["id"]
    response = post(client, world.document, {"claims": [spans["talks"]], "source": foreign})
    assert response.status_code == 400 and "source" in response.json()
    assert not Attribution.objects.exists()


def test_attribution_refuses_another_annotators_spans(world, api, spans):
    response = post(api(world.annotator2), world.document, {"claims": [spans["talks"]]})
    assert response.status_code == 400 and "claims" in response.json()


def test_attribution_update_and_stale_version(world, api, spans):
    client = api(world.annotator)
    created = post(client, world.document, {"claims": [spans["talks"]]}).json()
    url = f"/api/attributions/{created['id']}/"
    ok = client.patch(url, {"source": spans["officials"], "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["source"] == spans["officials"]
    assert ok.json()["claims"] == [spans["talks"]] and ok.json()["version"] == 2
    stale = client.patch(url, {"source": None, "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["source"] == spans["officials"]


def test_nested_attributions_share_spans(world, api, spans):
    """X said that Y claimed Z: a claim may contain another attribution."""
    client = api(world.annotator)
    outer = post(client, world.document, {"claims": [spans["talks"]],
                                          "source": spans["officials"]})
    inner = post(client, world.document, {"claims": [spans["talks"]], "cue": spans["warned"]})
    assert outer.status_code == inner.status_code == 201


def test_deleting_a_span_updates_the_attributions_that_use_it(world, api, spans):
    client = api(world.annotator)
    split = post(client, world.document, {"claims": [spans["claim1"], spans["claim2"]],
                                          "source": spans["minister"]}).json()
    single = post(client, world.document, {"claims": [spans["talks"]],
                                           "source": spans["officials"]}).json()
    assert client.delete(f"/api/spans/{spans['minister']}/?version=1").status_code == 204
    assert client.delete(f"/api/spans/{spans['claim1']}/?version=1").status_code == 204
    assert client.delete(f"/api/spans/{spans['talks']}/?version=1").status_code == 204
    remaining = Attribution.objects.get()
    assert remaining.pk == split["id"]
    assert remaining.claim_id == spans["claim2"] and remaining.source_id is None
    assert remaining.version == 3
    assert Event.objects.filter(target_type="attribution", target_id=single["id"],
                                action="delete").exists()


def test_attribution_delete_keeps_its_spans(world, api, spans):
    client = api(world.annotator)
    created = post(client, world.document, {"claims": [spans["talks"]]}).json()
    assert client.delete(f"/api/attributions/{created['id']}/",
                         HTTP_IF_MATCH='W/"1"').status_code == 204
    assert not Attribution.objects.exists()
    assert client.get(f"/api/spans/{spans['talks']}/").status_code == 200
