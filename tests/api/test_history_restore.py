"""Issue 12, point 7: a deleted label's history still answers."""
import pytest

from annotator.models import Attribution, Project, Span
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def make_span(client, document, piece, label="CLAIM"):
    response = client.post(f"/api/documents/{document.id}/spans/", span_at(document, piece, label),
                           format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def link(client, document, claims, source=None, cue=None, attributes=None):
    response = client.post(f"/api/documents/{document.id}/attributions/",
                           {"claims": claims, "source": source, "cue": cue,
                            "attributes": attributes or {}}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def delete(client, kind, row_id):
    version = {"span": Span, "attribution": Attribution}[kind].objects.get(pk=row_id).version
    response = client.delete(f"/api/{kind}s/{row_id}/", HTTP_IF_MATCH=str(version))
    assert response.status_code == 204, response.content


def actions(client, kind, row_id):
    response = client.get(f"/api/{kind}s/{row_id}/history/")
    assert response.status_code == 200, response.content
    return [event["action"] for event in response.json()["events"]]


def review(world, api, **target):
    response = api(world.reviewer).post(f"/api/documents/{world.document.id}/reviews/",
                                        {**target, "note": "Checked against the text."},
                                        format="json")
    assert response.status_code == 201, response.json()


@pytest.fixture
def layer(world, api):
    """The annotator's spans and two attributions: A (claim, source, cue) and B, whose claim
    is in two fragments, the second being A's claim."""
    client, doc = api(world.annotator), world.document
    spans = {"claim": make_span(client, doc, "The deal is dead,"),
             "second": make_span(client, doc, "and nobody will revive it."),
             "source": make_span(client, doc, "the minister", "SOURCE"),
             "cue": make_span(client, doc, "said", "CUE"),
             "talks": make_span(client, doc, "talks 🇺🇦 collapsed")}
    ids = {name: span["id"] for name, span in spans.items()}
    a = link(client, doc, [ids["claim"]], ids["source"], ids["cue"],
             {"quote_type": "direct"})
    b = link(client, doc, [ids["second"], ids["claim"]], ids["source"])
    return {"client": client, "spans": ids, "a": a["id"], "b": b["id"]}


# --- History after a delete ------------------------------------------------------------------

def test_history_of_a_deleted_span_answers_to_who_could_see_it_when_deleted(world, api, layer):
    client, span = layer["client"], layer["spans"]["talks"]
    client.patch(f"/api/spans/{span}/", {"label": "SOURCE", "version": 1}, format="json")
    review(world, api, span=span, decision="reject")
    delete(client, "span", span)

    assert actions(client, "span", span) == ["create", "update", "reject", "delete"]
    deleted = client.get(f"/api/spans/{span}/history/").json()["events"][-1]
    assert deleted["before"]["label"] == "SOURCE" and deleted["actor_name"] == "ann"
    for user in (world.reviewer, world.admin):
        assert api(user).get(f"/api/spans/{span}/history/").status_code == 200
    # The rule of live labels, applied to the last snapshot: other annotators do not see
    # it, non-members neither; only missing ids are 404s too.
    for user in (world.annotator2, world.outsider, world.stranger):
        assert api(user).get(f"/api/spans/{span}/history/").status_code == 404
    assert api().get(f"/api/spans/{span}/history/").status_code == 401
    assert client.get("/api/spans/987654/history/").status_code == 404
    Project.objects.filter(pk=world.project.pk).update(
        settings={"annotators_see_each_other": True})
    assert api(world.annotator2).get(f"/api/spans/{span}/history/").status_code == 200


def test_history_of_an_attribution_deleted_with_its_claim_says_why(world, api, layer):
    client = layer["client"]
    delete(client, "span", layer["spans"]["claim"])
    assert actions(client, "attribution", layer["a"]) == ["create", "delete"]
    events = client.get(f"/api/attributions/{layer['a']}/history/").json()["events"]
    assert events[-1]["note"] == f"its claim span {layer['spans']['claim']} was deleted"
    assert events[-1]["before"]["claims"] == [layer["spans"]["claim"]]
    assert api(world.annotator2).get(
        f"/api/attributions/{layer['a']}/history/").status_code == 404
    assert api(world.reviewer).get(
        f"/api/attributions/{layer['a']}/history/").status_code == 200
