"""The source entities page (issue #16): a reviewer renames an entity, edits its type and
aliases, and merges another into it through the search-as-you-type picker and the
confirmation that names both; a stale edit is a plain 409 message with a Reload; an
annotator sees the same entities read-only."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from annotator.models import Event, SourceEntity, Span
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create, document_status_change
from annotator.services.entities import entity_create, entity_update, span_entity_set
from annotator.services.projects import membership_set
from annotator.services.reviews import review_bulk_decide
from annotator.services.spans import span_create

from .conftest import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Vollmer said the quay is late. The minister said costs rose. H. Vollmer said sorry."


@pytest.fixture
def entities(world):
    reviewer = get_user_model().objects.create_user("rev", password=PASSWORD)
    membership_set(project=world.project, user=reviewer, role="reviewer")
    document, _ = document_create(project=world.project, title="Quay", text=TEXT)
    source = world.project.labels.get(name="SOURCE")
    keep = entity_create(project=world.project, actor=world.admin, name="Hanna Volmer",
                         aliases=["Vollmer"])
    other = entity_create(project=world.project, actor=world.admin, name="H. Vollmer <b>x</b>",
                          type="other")
    spans = {}
    for piece, entity in (("Vollmer", keep), ("The minister", other), ("H. Vollmer", other)):
        start = TEXT.index(piece)  # "Vollmer" first: the text's start
        span = span_create(document=document, annotator=world.annotator, label=source,
                           start=start, end=start + len(piece))
        spans[piece] = span_entity_set(span=span, actor=world.annotator, entity=entity,
                                       expected_version=span.version)
    return {"keep": keep, "other": other, "spans": spans, "document": document}


def open_page(page, live_server, project, entity=None):
    suffix = f"?entity={entity.pk}" if entity else ""
    page.goto(f"{live_server.url}/projects/{project.pk}/entities/{suffix}")
    page.wait_for_selector("body[data-ready=true]")


def test_reviewer_renames_and_merges_an_entity_when_on_the_entities_page(
        page, live_server, world, entities, shot):
    keep, other = entities["keep"], entities["other"]
    login(page, live_server, "rev", next_path=f"/projects/{world.project.pk}/")
    with page.expect_navigation():
        page.click("#ann-entities-link")
    page.wait_for_selector("body[data-ready=true]")
    # Names are text: the markup in one stays characters.
    assert page.locator("#ann-entities-list b").count() == 0
    assert "H. Vollmer <b>x</b>" in page.text_content("#ann-entities-list")
    page.click(f"#ann-entities-list button[data-entity='{keep.pk}']")
    page.wait_for_function("() => document.getElementById('ann-entity-title').textContent"
                           " === 'Hanna Volmer'")

    # Rename, type and aliases in one save.
    page.fill(".ann-entity-form input[name=name]", "Hanna Vollmer")
    page.select_option(".ann-entity-form select[name=type]", "person")
    page.fill(".ann-entity-form textarea[name=aliases]", "Vollmer\nthe finance minister\n\nvollmer")
    page.click(".ann-entity-form button[type=submit]")
    page.wait_for_selector(".ann-message-success")
    keep.refresh_from_db()
    assert (keep.name, keep.aliases, keep.version) == (
        "Hanna Vollmer", ["Vollmer", "the finance minister"], 2)
    assert page.text_content("#ann-entity-title") == "Hanna Vollmer"

    # Merge the other into it: find it by typing, then confirm the question naming both.
    page.fill(".ann-entity-merge input", "vollm")
    page.wait_for_selector(".ann-entity-picks button")
    picks = page.locator(".ann-entity-picks button")
    assert picks.count() == 1 and "H. Vollmer <b>x</b>" in picks.first.text_content()
    # The picker never offers the entity itself: merge from the other side instead.
    open_page(page, live_server, world.project, other)
    page.fill(".ann-entity-merge input", "hanna")
    page.wait_for_selector(f".ann-entity-picks button[data-into='{keep.pk}']")
    page.click(f".ann-entity-picks button[data-into='{keep.pk}']")
    question = page.text_content(".ann-entity-confirm p")
    assert "Merge “H. Vollmer <b>x</b>” into “Hanna Vollmer”" in question
    assert "2 mentions" in question
    shot(page, "entity-merge")
    page.click(".ann-entity-confirm button.ann-button:not(.ann-button-small)")
    page.wait_for_selector(".ann-message-success")
    page.wait_for_function("() => document.getElementById('ann-entity-title').textContent"
                           " === 'Hanna Vollmer'")
    assert not SourceEntity.objects.filter(pk=other.pk).exists()
    assert set(Span.objects.filter(document=entities["document"]).values_list(
        "entity_id", flat=True)) == {keep.pk}
    # Every moved link kept its history: an event per span, naming the merge.
    moved = Event.objects.filter(target_type="span", note__contains="merged into")
    assert sorted(moved.values_list("target_id", flat=True)) == sorted(
        [entities["spans"]["The minister"].pk, entities["spans"]["H. Vollmer"].pk])
    keep.refresh_from_db()
    assert "H. Vollmer <b>x</b>" in keep.aliases
    assert "3 mentions" in page.text_content(".ann-entity-form")
    assert not page.js_errors


def test_reviewer_sees_a_plain_conflict_and_reloads_when_someone_changed_the_entity(
        page, live_server, world, entities):
    keep = entities["keep"]
    login(page, live_server, "rev")
    open_page(page, live_server, world.project, keep)
    entity_update(entity=keep, actor=world.admin, expected_version=1, name="Hanna V.")
    page.fill(".ann-entity-form input[name=name]", "Hanna Vollmer")
    page.click(".ann-entity-form button[type=submit]")
    page.wait_for_selector(".ann-message-error")
    assert "Someone changed “Hanna Volmer” since you opened it" in page.text_content(
        "#ann-entities-message")
    page.click("#ann-entities-message button:text('Reload')")
    page.wait_for_function("() => document.getElementById('ann-entity-title').textContent"
                           " === 'Hanna V.'")
    assert SourceEntity.objects.get(pk=keep.pk).name == "Hanna V."


def test_annotator_sees_entities_read_only_when_on_the_entities_page(
        page, live_server, world, entities):
    keep = entities["keep"]
    login(page, live_server, "ann")
    open_page(page, live_server, world.project, keep)
    assert page.text_content("#ann-entity-title") == "Hanna Volmer"
    assert "Vollmer" in page.text_content(".ann-entity-facts")
    assert page.locator(".ann-entity-form").count() == 0
    assert page.locator(".ann-entity-merge").count() == 0
    assert "Reviewers and admins rename and merge" in page.text_content("#ann-entity-body")
    # And the API refuses them all the same.
    status = page.evaluate("""async ([url, token]) => (await fetch(url, {method: 'PATCH',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': token,
                  'If-Match': '"1"'}, body: JSON.stringify({name: 'x'})})).status""",
                           [f"/api/projects/{world.project.pk}/entities/{keep.pk}/",
                            page.evaluate("() => JSON.parse(document.getElementById("
                                          "'ann-entities-config').textContent).csrf_token")])
    assert status == 403
    assert SourceEntity.objects.get(pk=keep.pk).name == "Hanna Volmer"
    assert not page.js_errors


def test_reviewer_reaches_the_entity_from_the_explorers_source_when_it_has_claims(
        page, live_server, world, entities):
    document, keep = entities["document"], entities["keep"]
    claim_label = world.project.labels.get(name="CLAIM")
    start = TEXT.index("the quay is late")
    claim = span_create(document=document, annotator=world.annotator, label=claim_label,
                        start=start, end=start + len("the quay is late"))
    attribution = attribution_create(document=document, annotator=world.annotator,
                                     claims=[claim.pk], source=entities["spans"]["Vollmer"].pk)
    document_status_change(document=document, actor=world.annotator, annotator=world.annotator,
                           action="submit")
    reviewer = get_user_model().objects.get(username="rev")
    review_bulk_decide(reviewer=reviewer, document=document, decision="approve",
                       attributions=[attribution])
    login(page, live_server, "rev")
    page.goto(f"{live_server.url}/projects/{world.project.pk}/explorer/?source={keep.pk}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("a.ann-explorer-entity")
    with page.expect_navigation():
        page.click("a.ann-explorer-entity")
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#ann-entity-title") == "Hanna Volmer"
    assert page.input_value(".ann-entity-form input[name=name]") == "Hanna Volmer"
    assert not page.js_errors
