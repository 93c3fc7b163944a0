"""Running a project through the API: create with labels and settings, replace the label
set, refuse removing what is in use (with counts), merge labels, members, invitations,
one-time passwords, the last admin."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from annotator.models import (Assignment, Attribution, Event, Label, LabelStatus, Membership,
                              Project, ReviewDecision, Span)
from annotator.services.assignments import assignment_create_bulk
from annotator.services.attributions import attribution_create
from annotator.services.projects import membership_set
from annotator.services.reviews import review_decide
from annotator.services.spans import span_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db

OWN_LABELS = [{"name": "STATEMENT", "hotkey": "s", "color": "#112233", "description": "What."},
              {"name": "SPEAKER", "hotkey": "p", "color": "#445566"},
              {"name": "VERB", "hotkey": "v", "color": "#778899"}]
ROLES = {"claim": "STATEMENT", "source": "SPEAKER", "cue": "VERB"}


def staff(user):
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


def labels_of(project):
    return list(Label.objects.filter(project=project).order_by("position").values_list(
        "name", "hotkey"))


def span(world, user, piece, label):
    where = span_at(world.document, piece, label)
    return span_create(document=world.document, annotator=user,
                       label=Label.objects.get(project=world.project, name=label),
                       start=where["start"], end=where["end"], quote=piece)


# --- Creating ----------------------------------------------------------------------------

def test_create_with_own_labels_attributes_and_settings_when_staff(world, api):
    body = {"name": "Own", "description": "Ours.", "guidelines": "# Mark", "labels": OWN_LABELS,
            "attribute_definitions": [{"name": "tone", "choices": ["calm", "angry"]}],
            "settings": {"annotators_per_document": 3, "unassigned_open": False,
                         "annotators_see_each_other": True, "review_own_labels": False,
                         "role_labels": ROLES}}
    response = api(staff(world.stranger)).post("/api/projects/", body, format="json")
    assert response.status_code == 201, response.json()
    project = Project.objects.get(name="Own")
    assert labels_of(project) == [("STATEMENT", "s"), ("SPEAKER", "p"), ("VERB", "v")]
    assert project.settings["annotators_per_document"] == 3
    assert project.attribute_definitions[0]["choices"] == ["calm", "angry"]
    assert Membership.objects.get(project=project).role == "admin"
    created = Event.objects.get(project=project, target_type="project", action="create")
    assert [label["name"] for label in created.after["labels"]] == ["STATEMENT", "SPEAKER",
                                                                     "VERB"]


@pytest.mark.parametrize("labels, field", [
    ([{"name": "A", "hotkey": "1"}, {"name": "A"}], "labels[1].name"),
    ([{"name": "A", "hotkey": "1"}, {"name": "B", "hotkey": "1"}], "labels[1].hotkey"),
    ([{"name": "9bad"}], "labels[0].name"),
    ([{"name": "A", "color": "red"}], "labels[0].color"),
    ([], "labels"),
])
def test_create_refuses_a_bad_label_set_naming_the_row_when_invalid(world, api, labels, field):
    response = api(staff(world.stranger)).post("/api/projects/", {"name": "Bad",
                                                                  "labels": labels},
                                               format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not Project.objects.filter(name="Bad").exists()


def test_create_refuses_bad_settings_when_out_of_range(world, api):
    response = api(staff(world.stranger)).post("/api/projects/", {
        "name": "Bad", "settings": {"annotators_per_document": 21}}, format="json")
    assert response.status_code == 400 and "annotators_per_document" in str(response.json())


def test_anyone_creates_when_project_creators_is_anyone(world, api, settings):
    settings.PROJECT_CREATORS = "anyone"
    assert api(world.stranger).post("/api/projects/", {"name": "Mine"},
                                    format="json").status_code == 201
    settings.PROJECT_CREATORS = "staff"
    assert api(world.stranger).post("/api/projects/", {"name": "Mine2"},
                                    format="json").status_code == 403


# --- The label set -------------------------------------------------------------------------

def test_replace_renames_reorders_swaps_keys_and_adds_when_labels_sent(world, api):
    labels = {label.name: label for label in world.project.labels.all()}
    span(world, world.annotator, "the minister", "SOURCE")
    body = {"labels": [
        {"id": labels["CUE"].pk, "name": "CUE", "hotkey": "1", "color": "#15803d"},
        {"id": labels["CLAIM"].pk, "name": "CLAIM", "hotkey": "3", "color": "#c2410c"},
        {"id": labels["SOURCE"].pk, "name": "WHO", "hotkey": "2", "color": "#1d4ed8"},
        {"name": "EVIDENCE", "hotkey": "4", "color": "#000000"}]}
    response = api(world.admin).patch(f"/api/projects/{world.project.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert labels_of(world.project) == [("CUE", "1"), ("CLAIM", "3"), ("WHO", "2"),
                                        ("EVIDENCE", "4")]
    assert Span.objects.get(annotator=world.annotator).label.name == "WHO"
    world.project.refresh_from_db()
    assert world.project.settings["role_labels"]["source"] == "WHO"  # the role followed
    assert Event.objects.filter(target_type="label", action="update",
                                target_id=labels["SOURCE"].pk).exists()


def test_removing_a_label_in_use_is_a_409_with_counts_when_spans_use_it(world, api):
    claim = span(world, world.annotator, "The deal is dead,", "CLAIM")
    source = span(world, world.annotator, "the minister", "SOURCE")
    attribution_create(document=world.document, annotator=world.annotator, claims=[claim.pk],
                       source=source.pk, cue=None, attributes={})
    kept = [{"id": label.pk, "name": label.name} for label in world.project.labels.all()
            if label.name != "SOURCE"]
    response = api(world.admin).patch(f"/api/projects/{world.project.pk}/", {"labels": kept},
                                      format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "label_in_use"
    assert body["current"]["field"] == "labels"
    assert (body["current"]["spans"], body["current"]["attributions"]) == (1, 1)
    assert "SOURCE" in body["detail"] and "1 span" in body["detail"]
    assert Label.objects.filter(project=world.project, name="SOURCE").exists()


def test_delete_of_a_label_in_use_says_how_many_when_refused(world, api):
    span(world, world.annotator, "said", "CUE")
    cue = Label.objects.get(project=world.project, name="CUE")
    response = api(world.admin).delete(f"/api/projects/{world.project.pk}/labels/{cue.pk}/")
    assert response.status_code == 409
    assert response.json()["current"]["spans"] == 1


def test_removing_an_attribute_or_choice_in_use_is_a_409_when_attributions_hold_it(world, api):
    claim = span(world, world.annotator, "The deal is dead,", "CLAIM")
    attribution_create(document=world.document, annotator=world.annotator, claims=[claim.pk],
                       source=None, cue=None, attributes={"quote_type": "direct"})
    definitions = [dict(d) for d in world.project.attribute_definitions]
    without = [d for d in definitions if d["name"] != "quote_type"]
    url = f"/api/projects/{world.project.pk}/"
    response = api(world.admin).patch(url, {"attribute_definitions": without}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "attribute_in_use"
    index = next(i for i, d in enumerate(definitions) if d["name"] == "quote_type")
    definitions[index]["choices"] = ["indirect"]
    response = api(world.admin).patch(url, {"attribute_definitions": definitions},
                                      format="json")
    assert response.status_code == 409
    assert response.json()["current"]["field"] == f"attribute_definitions[{index}].choices"
    definitions[index]["choices"] = ["direct", "indirect", "mixed"]  # adding is fine
    assert api(world.admin).patch(url, {"attribute_definitions": definitions},
                                  format="json").status_code == 200


def test_usage_counts_labels_and_choices_when_asked(world, api):
    claim = span(world, world.annotator, "The deal is dead,", "CLAIM")
    attribution_create(document=world.document, annotator=world.annotator, claims=[claim.pk],
                       source=None, cue=None, attributes={"quote_type": "direct"})
    body = api(world.admin).get(f"/api/projects/{world.project.pk}/usage/").json()
    by_name = {row["name"]: row for row in body["labels"]}
    assert (by_name["CLAIM"]["spans"], by_name["CLAIM"]["attributions"]) == (1, 1)
    assert by_name["CUE"]["spans"] == 0
    quote = next(a for a in body["attributes"] if a["name"] == "quote_type")
    assert quote["choices"] == {"direct": 1, "indirect": 0} and quote["attributions"] == 1


# --- Merging ---------------------------------------------------------------------------------

def test_merge_moves_spans_with_events_and_deletes_the_label_when_no_twins(world, api):
    extra = api(world.admin).post(f"/api/projects/{world.project.pk}/labels/",
                                  {"name": "QUOTE"}, format="json").json()
    span(world, world.annotator, "The deal is dead,", "QUOTE")
    span(world, world.annotator2, "The deal is dead,", "QUOTE")
    claim = Label.objects.get(project=world.project, name="CLAIM")
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/labels/{extra['id']}/merge/", {"into": claim.pk},
        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["moved"] == 2 and response.json()["folded"] == 0
    assert not Label.objects.filter(pk=extra["id"]).exists()
    assert Span.objects.filter(label=claim).count() == 2
    merge = Event.objects.get(target_type="label", action="merge", target_id=extra["id"])
    assert Event.objects.filter(cause=merge, target_type="span", action="update").count() == 2


def test_merge_folds_a_twin_span_into_the_existing_one_when_offsets_repeat(world, api):
    extra = Label.objects.create(project=world.project, name="QUOTE", position=9)
    # An attribution's claim is a CLAIM: made as one, then relabelled behind its back.
    moving = span(world, world.annotator, "The deal is dead,", "CLAIM")
    source = span(world, world.annotator, "the minister", "SOURCE")
    attribution = attribution_create(document=world.document, annotator=world.annotator,
                                     claims=[moving.pk], source=source.pk, cue=None,
                                     attributes={})
    Span.objects.filter(pk=moving.pk).update(label=extra)
    twin = span(world, world.annotator, "The deal is dead,", "CLAIM")
    review_decide(reviewer=world.reviewer, target=Span.objects.get(pk=moving.pk),
                  decision="approve", note="")
    claim = Label.objects.get(project=world.project, name="CLAIM")
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/labels/{extra.pk}/merge/", {"into": claim.pk},
        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["folded"] == 1
    assert not Span.objects.filter(pk=moving.pk).exists()
    attribution.refresh_from_db()
    assert attribution.claim_id == twin.pk and attribution.source_id == source.pk
    assert ReviewDecision.objects.filter(span=twin).count() == 1
    assert Event.objects.filter(target_type="span", target_id=moving.pk,
                                action="merge").exists()


def test_merge_refuses_when_into_is_itself_or_of_another_project(world, api):
    claim = Label.objects.get(project=world.project, name="CLAIM")
    other = Label.objects.filter(project=world.other_project).first()
    url = f"/api/projects/{world.project.pk}/labels/{claim.pk}/merge/"
    for into in (claim.pk, other.pk, 10**15):
        response = api(world.admin).post(url, {"into": into}, format="json")
        assert response.status_code == 400 and "into" in response.json()


def test_merge_refuses_two_labels_of_different_roles_when_asked(world, api):
    claim = Label.objects.get(project=world.project, name="CLAIM")
    source = Label.objects.get(project=world.project, name="SOURCE")
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/labels/{claim.pk}/merge/", {"into": source.pk},
        format="json")
    assert response.status_code == 400 and "role" not in response.json() \
        and "claim" in response.json()["into"][0]


# --- Members ---------------------------------------------------------------------------------

def test_invite_makes_an_account_sends_a_link_and_the_link_sets_a_password(world, api, client):
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/invitations/",
                                     {"email": "New.Person@Example.org", "role": "reviewer"},
                                     format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["account_created"] and body["email_sent"] and body["member"]["pending"]
    assert body["member"]["role"] == "reviewer"
    assert len(mail.outbox) == 1 and body["set_password_url"] in mail.outbox[0].body
    user = get_user_model().objects.get(pk=body["member"]["user"])
    assert not user.has_usable_password()
    path = re.sub(r"^https?://[^/]+", "", body["set_password_url"])
    page = client.get(path, follow=True)
    assert page.status_code == 200 and b"Choose your password" in page.content
    done = client.post(page.redirect_chain[-1][0], {"new_password1": "a-Long-new-passw0rd",
                                                    "new_password2": "a-Long-new-passw0rd"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-Long-new-passw0rd")
    assert Event.objects.filter(target_type="membership", action="create",
                                target_id=body["member"]["id"]).exists()


def test_invite_of_an_existing_account_gives_no_link_when_it_has_a_password(world, api):
    world.stranger.email = "stranger@example.org"
    world.stranger.save()
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/invitations/",
                                     {"email": "STRANGER@example.org", "role": "annotator"},
                                     format="json")
    assert response.status_code == 201
    assert response.json()["set_password_url"] is None and not response.json()["account_created"]
    assert response.json()["member"]["user"] == world.stranger.pk
    assert mail.outbox == []


def test_invite_hides_the_link_when_the_pending_account_is_in_another_admins_project(
        world, api):
    first = api(world.outsider).post(f"/api/projects/{world.other_project.pk}/invitations/",
                                     {"email": "p@example.org", "role": "annotator"},
                                     format="json").json()
    assert first["set_password_url"]
    again = api(world.admin).post(f"/api/projects/{world.project.pk}/invitations/",
                                  {"email": "p@example.org", "role": "annotator"},
                                  format="json").json()
    assert again["set_password_url"] is None and again["email_sent"]


def test_one_time_password_is_shown_once_and_only_its_hash_stored(world, api):
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/accounts/",
                                     {"username": "temp1", "role": "annotator"}, format="json")
    assert response.status_code == 201, response.json()
    password = response.json()["password"]
    assert len(password) >= 16 and response["Cache-Control"] == "no-store"
    user = get_user_model().objects.get(username="temp1")
    assert user.check_password(password) and password not in user.password
    listed = api(world.admin).get(f"/api/projects/{world.project.pk}/members/").json()
    assert password not in str(listed)
    again = api(world.admin).post(f"/api/projects/{world.project.pk}/accounts/",
                                  {"username": "TEMP1", "role": "annotator"}, format="json")
    assert again.status_code == 400 and "username" in again.json()


def test_search_finds_by_name_or_whole_address_and_masks_the_rest(world, api):
    world.stranger.email = "str@example.org"
    world.stranger.save()
    url = f"/api/projects/{world.project.pk}/user-search/"
    found = api(world.admin).get(url, {"q": "strang"}).json()
    assert [(u["username"], u["email"]) for u in found] == [("stranger", "s•••@example.org")]
    assert api(world.admin).get(url, {"q": "str@example.org"}).json()[0]["email"] == \
        "str@example.org"
    assert api(world.admin).get(url, {"q": "example"}).json() == []
    member = api(world.admin).get(url, {"q": "ann2"}).json()[0]
    assert member["member_role"] == "annotator"


def test_members_list_shows_addresses_to_admins_only(world, api):
    world.annotator.email = "ann@example.org"
    world.annotator.save()
    url = f"/api/projects/{world.project.pk}/members/"
    as_admin = {m["username"]: m["email"] for m in api(world.admin).get(url).json()}
    as_annotator = {m["username"]: m["email"] for m in api(world.annotator2).get(url).json()}
    assert as_admin["ann"] == "ann@example.org" and as_annotator["ann"] == ""


def test_last_admin_cannot_be_removed_or_demoted_when_alone(world, api):
    mine = Membership.objects.get(project=world.project, user=world.admin)
    url = f"/api/projects/{world.project.pk}/members/{mine.pk}/"
    removed = api(world.admin).delete(url)
    assert removed.status_code == 409 and removed.json()["code"] == "last_admin"
    demoted = api(world.admin).patch(url, {"role": "annotator"}, format="json")
    assert demoted.status_code == 409
    membership_set(project=world.project, user=world.annotator, role="admin")
    assert api(world.admin).delete(url).status_code == 204


def test_removed_members_labels_stay_theirs_when_removed(world, api):
    made = span(world, world.annotator, "said", "CUE")
    member = Membership.objects.get(project=world.project, user=world.annotator)
    assert api(world.admin).delete(
        f"/api/projects/{world.project.pk}/members/{member.pk}/").status_code == 204
    assert Span.objects.get(pk=made.pk).annotator_id == world.annotator.pk
    event = Event.objects.get(target_type="membership", action="delete", target_id=member.pk)
    assert event.before["username"] == "ann"


def test_removed_members_assignments_go_but_not_in_other_projects_when_removed(
        world, api, make_project, make_document):
    other = make_project(admin=world.admin, annotator=world.annotator)
    kept = make_document(other)
    for project, document in ((world.project, world.document), (other, kept)):
        assignment_create_bulk(project=project, actor=world.admin, documents=[document],
                               annotator_ids=[world.annotator.pk])
    member = Membership.objects.get(project=world.project, user=world.annotator)
    assert api(world.admin).delete(
        f"/api/projects/{world.project.pk}/members/{member.pk}/").status_code == 204
    assert list(Assignment.objects.values_list("document_id", "annotator_id")) == [
        (kept.pk, world.annotator.pk)]
    event = Event.objects.get(target_type="membership", action="delete", target_id=member.pk)
    assert event.before["assigned_documents"] == [world.document.pk]
    # Added again, they start with nothing assigned here.
    membership_set(project=world.project, user=world.annotator, role="annotator")
    assert api(world.annotator).get(
        f"/api/projects/{world.project.pk}/assignments/").json()["count"] == 0


def test_bad_member_input_names_the_field_when_refused(world, api):
    base = f"/api/projects/{world.project.pk}"
    cases = [("invitations/", {"email": "not-an-address", "role": "annotator"}, "email"),
             ("invitations/", {"email": "a@example.org", "role": "boss"}, "role"),
             ("accounts/", {"username": "has space", "role": "annotator"}, "username"),
             ("members/", {"username": "nobody-here", "role": "annotator"}, "username")]
    for path, body, field in cases:
        response = api(world.admin).post(f"{base}/{path}", body, format="json")
        assert response.status_code == 400 and field in response.json(), (path, response.json())


def test_spans_keep_their_status_when_merged(world, api):
    """A rejected span (not under the uniqueness rule) moves even beside a twin."""
    extra = Label.objects.create(project=world.project, name="QUOTE", position=9)
    span(world, world.annotator, "said", "CUE")
    moving = span(world, world.annotator, "said", "QUOTE")
    Span.objects.filter(pk=moving.pk).update(status=LabelStatus.REJECTED)
    cue = Label.objects.get(project=world.project, name="CUE")
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/labels/{extra.pk}/merge/", {"into": cue.pk},
        format="json")
    assert response.json()["moved"] == 1
    assert Span.objects.get(pk=moving.pk).status == LabelStatus.REJECTED
    assert Attribution.objects.count() == 0


def test_usage_runs_a_fixed_number_of_queries_whatever_the_number_of_labels_used(
        world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/api/projects/{world.project.pk}/usage/"
    span(world, world.annotator, "said", "CUE")
    with CaptureQueriesContext(connection) as one:
        api(world.admin).get(url)
    for n in range(6):
        Label.objects.create(project=world.project, name=f"EXTRA{n}", position=10 + n)
        span(world, world.annotator, "the minister", f"EXTRA{n}")
    claim = span(world, world.annotator, "The deal is dead,", "CLAIM")
    attribution_create(document=world.document, annotator=world.annotator, claims=[claim.pk],
                       source=None, cue=None, attributes={"quote_type": "direct"})
    with CaptureQueriesContext(connection) as many:
        body = api(world.admin).get(url).json()
    assert len(many.captured_queries) == len(one.captured_queries)
    assert sum(row["spans"] for row in body["labels"]) == 8


def test_a_label_key_the_workspace_uses_is_refused_naming_it_when_chosen(world, api):
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/labels/",
                                     {"name": "LINKER", "hotkey": "a"}, format="json")
    assert response.status_code == 400
    assert "link" in response.json()["hotkey"][0]


def test_members_list_runs_a_fixed_number_of_queries_whatever_the_number_of_members(
        world, api, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/api/projects/{world.project.pk}/members/"
    with CaptureQueriesContext(connection) as few:
        api(world.admin).get(url)
    for n in range(8):
        membership_set(project=world.project, user=make_user(f"extra{n}"), role="annotator")
    with CaptureQueriesContext(connection) as many:
        assert len(api(world.admin).get(url).json()) == 12
    assert len(many.captured_queries) == len(few.captured_queries)
