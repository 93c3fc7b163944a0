"""Second-hand claims (issue #16, point 7): an attribution's parent through the API."""
import pytest

from annotator.models import Attribution, Event
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db

TEXT = ("The mayor said that the minister claimed the bridge is safe. "
        "Critics warned that repairs will take years.")


@pytest.fixture
def nest(world, api, make_document):
    """A document with X said that Y claimed Z, labelled by the annotator: the outer
    attribution (the mayor) and the spans of the inner one (the minister)."""
    document = make_document(world.project, text=TEXT, title="Bridge")
    client = api(world.annotator)

    def span(piece, label="CLAIM", who=client):
        response = who.post(f"/api/documents/{document.id}/spans/",
                            span_at(document, piece, label), format="json")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    ids = {"outer": span("the minister claimed the bridge is safe"),
           "mayor": span("The mayor", "SOURCE"), "said": span("said", "CUE"),
           "inner": span("the bridge is safe"), "minister": span("the minister", "SOURCE"),
           "claimed": span("claimed", "CUE"), "repairs": span("repairs will take years"),
           "critics": span("Critics", "SOURCE")}
    outer = post(client, document, {"claims": [ids["outer"]], "source": ids["mayor"],
                                    "cue": ids["said"]}).json()
    return {"document": document, "client": client, "ids": ids, "outer": outer, "span": span}


def post(client, document, body):
    return client.post(f"/api/documents/{document.id}/attributions/", body, format="json")


def patch(client, attribution, body):
    return client.patch(f"/api/attributions/{attribution['id']}/",
                        {"version": attribution["version"], **body}, format="json")


def test_inner_attribution_records_its_parent_when_created_with_one(nest):
    ids = nest["ids"]
    response = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "source": ids["minister"], "cue": ids["claimed"],
        "parent": nest["outer"]["id"]})
    assert response.status_code == 201, response.json()
    assert response.json()["parent"] == nest["outer"]["id"]
    got = nest["client"].get(f"/api/attributions/{response.json()['id']}/").json()
    assert got["parent"] == nest["outer"]["id"]
    assert nest["outer"]["parent"] is None
    event = Event.objects.get(target_type="attribution", target_id=response.json()["id"])
    assert event.after["parent"] == nest["outer"]["id"]


def test_document_detail_carries_parent_when_attributions_nest(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "source": ids["minister"],
        "parent": nest["outer"]["id"]}).json()
    body = nest["client"].get(f"/api/documents/{nest['document'].id}/").json()
    parents = {a["id"]: a["parent"] for a in body["attributions"]}
    assert parents == {nest["outer"]["id"]: None, inner["id"]: nest["outer"]["id"]}


def test_parent_is_set_and_cleared_by_patch_with_its_version(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {"claims": [ids["inner"]]}).json()
    assert inner["parent"] is None
    response = patch(nest["client"], inner, {"parent": nest["outer"]["id"]})
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == nest["outer"]["id"]
    assert response.json()["version"] == inner["version"] + 1
    stale = patch(nest["client"], inner, {"parent": None})
    assert stale.status_code == 409
    cleared = patch(nest["client"], response.json(), {"parent": None})
    assert cleared.status_code == 200 and cleared.json()["parent"] is None
    assert Attribution.objects.get(pk=inner["id"]).parent_id is None


def test_patch_without_parent_keeps_it_when_other_fields_change(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    response = patch(nest["client"], inner, {"source": ids["minister"]})
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == nest["outer"]["id"]


def test_parent_outside_whose_claim_the_child_lies_is_refused(nest):
    ids = nest["ids"]
    critics = post(nest["client"], nest["document"], {"claims": [ids["repairs"]],
                                                      "source": ids["critics"]}).json()
    response = post(nest["client"], nest["document"], {"claims": [ids["inner"]],
                                                        "parent": critics["id"]})
    assert response.status_code == 400
    assert "outside the parent's claim" in response.json()["parent"][0]
    # The child's source must lie inside the parent's claim too.
    response = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "source": ids["mayor"], "parent": nest["outer"]["id"]})
    assert response.status_code == 400 and "parent" in response.json()
    assert Attribution.objects.count() == 2


def test_parent_in_another_document_is_refused(nest, world, api):
    client = api(world.annotator)
    other_claim = client.post(f"/api/documents/{world.document.id}/spans/",
                              span_at(world.document, "talks 🇺🇦 collapsed"),
                              format="json").json()["id"]
    foreign = post(client, world.document, {"claims": [other_claim]}).json()
    response = post(nest["client"], nest["document"], {"claims": [nest["ids"]["inner"]],
                                                        "parent": foreign["id"]})
    assert response.status_code == 400
    assert "not an attribution of this document" in response.json()["parent"][0]
    missing = post(nest["client"], nest["document"], {"claims": [nest["ids"]["inner"]],
                                                       "parent": 999_999})
    assert missing.status_code == 400 and "parent" in missing.json()


def test_parent_of_another_annotators_layer_is_refused(nest, world, api):
    other = api(world.annotator2)
    ids = {"outer": nest["span"]("the minister claimed the bridge is safe", who=other),
           "inner": nest["span"]("the bridge is safe", who=other)}
    theirs = post(other, nest["document"], {"claims": [ids["outer"]]}).json()
    response = post(nest["client"], nest["document"], {"claims": [nest["ids"]["inner"]],
                                                        "parent": theirs["id"]})
    assert response.status_code == 400
    assert "another layer" in response.json()["parent"][0]


def test_cycle_and_own_parent_are_refused(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    own = patch(nest["client"], inner, {"parent": inner["id"]})
    assert own.status_code == 400 and "own parent" in own.json()["parent"][0]
    # Two attributions of one claim each lie inside the other's claim: only the cycle
    # check stops the second link of a loop.
    safe = nest["span"]("safe", "CUE")
    twin = post(nest["client"], nest["document"], {"claims": [ids["inner"]], "cue": safe,
                                                   "parent": inner["id"]})
    assert twin.status_code == 201, twin.json()
    inner = nest["client"].get(f"/api/attributions/{inner['id']}/").json()
    loop = patch(nest["client"], inner, {"parent": twin.json()["id"]})
    assert loop.status_code == 400 and "cannot loop" in loop.json()["parent"][0]
    assert Attribution.objects.get(pk=inner["id"]).parent_id == nest["outer"]["id"]


def test_changing_a_parents_claim_so_a_child_falls_outside_is_refused(nest):
    ids = nest["ids"]
    post(nest["client"], nest["document"], {"claims": [ids["inner"]],
                                            "parent": nest["outer"]["id"]})
    response = patch(nest["client"], nest["outer"], {"claims": [ids["repairs"]]})
    assert response.status_code == 400
    assert "clear its parent first" in response.json()["claims"][0]
    assert Attribution.objects.get(pk=nest["outer"]["id"]).claim_id == ids["outer"]


def test_deleting_a_parent_clears_its_childrens_parent_with_history(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    response = nest["client"].delete(f"/api/attributions/{nest['outer']['id']}/",
                                     HTTP_IF_MATCH=f'W/"{nest["outer"]["version"]}"')
    assert response.status_code == 204
    child = Attribution.objects.get(pk=inner["id"])
    assert child.parent_id is None and child.version == inner["version"] + 1
    deleted = Event.objects.get(target_id=nest["outer"]["id"], action="delete")
    cleared = Event.objects.get(target_id=inner["id"], action="update")
    assert cleared.cause_id == deleted.pk
    assert cleared.before["parent"] == nest["outer"]["id"] and cleared.after["parent"] is None


def test_restoring_a_deleted_parent_gives_its_children_back_their_parent(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    nest["client"].delete(f"/api/attributions/{nest['outer']['id']}/",
                          HTTP_IF_MATCH=f'W/"{nest["outer"]["version"]}"')
    response = nest["client"].post(f"/api/attributions/{nest['outer']['id']}/restore/")
    assert response.status_code in (200, 201), response.json()
    assert Attribution.objects.get(pk=inner["id"]).parent_id == nest["outer"]["id"]


def test_parent_must_be_an_integer(nest):
    response = post(nest["client"], nest["document"], {"claims": [nest["ids"]["inner"]],
                                                        "parent": "A1"})
    assert response.status_code == 400 and "parent" in response.json()


def test_moving_a_span_out_of_the_parents_claim_is_refused_and_inside_is_fine(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "source": ids["minister"],
        "parent": nest["outer"]["id"]}).json()
    span = nest["client"].get(f"/api/spans/{ids['minister']}/").json()
    # "The mayor" instead of "the minister": outside the mayor's claim.
    response = nest["client"].patch(f"/api/spans/{ids['minister']}/",
                                     {"start": 0, "end": 9, "version": span["version"]},
                                     format="json")
    assert response.status_code == 400
    assert f"attribution {inner['id']} is second-hand" in response.json()["start"][0]
    # The parent's claim shrinking past the child: refused too.
    outer_claim = nest["client"].get(f"/api/spans/{ids['outer']}/").json()
    shrunk = nest["client"].patch(f"/api/spans/{ids['outer']}/", {
        "start": outer_claim["start"], "end": outer_claim["start"] + 12,
        "version": outer_claim["version"]}, format="json")
    assert shrunk.status_code == 400 and "would no longer lie" in shrunk.json()["start"][0]
    # A move that stays inside is fine.
    moved = nest["client"].patch(f"/api/spans/{ids['minister']}/", {
        "start": span["start"] + 4, "end": span["end"], "version": span["version"]},
        format="json")
    assert moved.status_code == 200, moved.json()


def test_deleting_the_parents_claim_fragment_that_held_a_child_releases_it(nest):
    ids = nest["ids"]
    extra = nest["span"]("Critics warned that repairs will take years")
    two = patch(nest["client"], nest["outer"], {"claims": [ids["outer"], extra]})
    assert two.status_code == 200, two.json()
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    span = nest["client"].get(f"/api/spans/{ids['outer']}/").json()
    response = nest["client"].delete(f"/api/spans/{ids['outer']}/",
                                     HTTP_IF_MATCH=f'W/"{span["version"]}"')
    assert response.status_code == 204
    assert Attribution.objects.get(pk=nest["outer"]["id"]).claim_id == extra
    assert Attribution.objects.get(pk=inner["id"]).parent_id is None
    note = Event.objects.filter(target_id=inner["id"], action="update").latest("id").note
    assert "lost the fragment" in note


def test_bulk_delete_of_a_parent_clears_the_childs_parent_with_history(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    response = nest["client"].post(f"/api/documents/{nest['document'].pk}/bulk/", {
        "delete": {"attributions": [{"id": nest["outer"]["id"], "version": 1}]}},
        format="json")
    assert response.status_code == 201, response.json()
    cleared = Event.objects.get(target_id=inner["id"], action="update")
    assert cleared.cause.target_id == nest["outer"]["id"] and cleared.cause.action == "delete"
    assert Attribution.objects.get(pk=inner["id"]).parent_id is None
    # Deleting parent and child together logs only the two deletes.
    again = post(nest["client"], nest["document"], {"claims": [ids["outer"]]}).json()
    child = patch(nest["client"], Attribution.objects.filter(pk=inner["id"]).values(
        "id", "version").first(), {"parent": again["id"]}).json()
    before = Event.objects.count()
    both = nest["client"].post(f"/api/documents/{nest['document'].pk}/bulk/", {
        "delete": {"attributions": [{"id": again["id"], "version": 1},
                                    {"id": child["id"], "version": child["version"]}]}},
        format="json")
    assert both.status_code == 201, both.json()
    assert Event.objects.count() == before + 2


def test_restoring_the_parents_claim_span_brings_back_parent_and_nesting(nest):
    ids = nest["ids"]
    inner = post(nest["client"], nest["document"], {
        "claims": [ids["inner"]], "parent": nest["outer"]["id"]}).json()
    span = nest["client"].get(f"/api/spans/{ids['outer']}/").json()
    assert nest["client"].delete(f"/api/spans/{ids['outer']}/",
                                 HTTP_IF_MATCH=f'W/"{span["version"]}"').status_code == 204
    assert not Attribution.objects.filter(pk=nest["outer"]["id"]).exists()
    assert Attribution.objects.get(pk=inner["id"]).parent_id is None
    response = nest["client"].post(f"/api/spans/{ids['outer']}/restore/")
    assert response.status_code in (200, 201), response.json()
    assert response.json()["skipped"] == []
    assert Attribution.objects.get(pk=inner["id"]).parent_id == nest["outer"]["id"]
