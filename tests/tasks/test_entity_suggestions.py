"""Pre-tag jobs propose source entities on SOURCE suggestions (issue #16 point 2), and
accepting a suggestion links the annotator's span to the entity, making a proposed one."""
import pytest
from rest_framework.test import APIClient

from annotator.models import Event, SourceEntity, Span
from annotator.pretag.coref import resolver_label
from annotator.services.entities import entity_create, entity_merge
from annotator.services.pretag_jobs import pretag_job_run_batch, pretag_job_start
from annotator.services.projects import membership_set
from annotator.services.spans import span_create
from annotator.services.suggestions import suggestions_decide

pytestmark = pytest.mark.django_db

TEXT = ("Helena Marsh said the line would open in spring. She said the budget was under "
        "control. Officials said the figures did not add up. Rafael Ortiz said the talks "
        "would go on.")


@pytest.fixture
def setting(make_user, make_project, make_document):
    admin, annotator = make_user("coadmin"), make_user("coann")
    project = make_project(admin=admin)
    membership_set(project=project, user=annotator, role="annotator")
    marsh = entity_create(project=project, actor=admin, name="Helena Marsh", type="person")
    document = make_document(project, text=TEXT)
    job = pretag_job_start(project=project, requested_by=admin)
    while pretag_job_run_batch(job_id=job.pk):
        pass
    return project, document, admin, annotator, marsh


def suggestion(document, quote):
    return Span.objects.get(document=document, annotator__isnull=True, quote=quote,
                            label__name="SOURCE")


def test_a_pretag_run_proposes_existing_entities_new_ones_and_anonymous_sources(setting):
    _, document, _, _, marsh = setting
    by = resolver_label()
    named, pronoun = suggestion(document, "Helena Marsh"), suggestion(document, "She")
    assert (named.suggested_entity_id, named.suggested_entity_by) == (marsh.pk, f"{by} exact")
    assert pronoun.suggested_entity_id == marsh.pk      # "She" resolved to Helena Marsh
    new = suggestion(document, "Rafael Ortiz")
    assert (new.suggested_entity_id, new.suggested_entity_name, new.suggested_entity_type,
            new.suggested_entity_by) == (None, "Rafael Ortiz", "person", f"{by} new")
    anonymous = suggestion(document, "Officials")
    assert (anonymous.suggested_entity_name, anonymous.suggested_entity_type) == \
        ("officials", "anonymous")
    # A proposal is no mention: the entity counts none yet.
    assert Span.objects.filter(entity=marsh).count() == 0


def test_accepting_links_the_span_and_makes_a_proposed_entity_once(setting):
    project, document, _, annotator, marsh = setting
    picked = [suggestion(document, q) for q in ("Helena Marsh", "She", "Rafael Ortiz")]
    result = suggestions_decide(document=document, annotator=annotator, decision="accept",
                                span_ids=[s.pk for s in picked], attribution_ids=[])
    own = {span.quote: span for span in result["spans"]}
    assert own["Helena Marsh"].entity_id == own["She"].entity_id == marsh.pk
    ortiz = SourceEntity.objects.get(project=project, name="Rafael Ortiz")
    assert ortiz.type == "person" and ortiz.created_by == annotator
    assert own["Rafael Ortiz"].entity_id == ortiz.pk
    assert Event.objects.filter(target_type="entity", target_id=ortiz.pk,
                                action="create").count() == 1
    accepted = Event.objects.get(target_type="span", target_id=own["She"].pk, action="accept")
    assert accepted.after["entity"] == marsh.pk


def test_accepting_a_proposal_whose_entity_was_made_meanwhile_takes_that_entity(setting):
    project, document, admin, annotator, _ = setting
    made = entity_create(project=project, actor=admin, name="rafael ortiz", type="person")
    result = suggestions_decide(document=document, annotator=annotator, decision="accept",
                                span_ids=[suggestion(document, "Rafael Ortiz").pk],
                                attribution_ids=[])
    assert result["spans"][0].entity_id == made.pk
    assert SourceEntity.objects.filter(project=project).count() == 2


def test_rejecting_links_nothing_and_makes_no_entity(setting):
    project, document, _, annotator, _ = setting
    result = suggestions_decide(document=document, annotator=annotator, decision="reject",
                                span_ids=[suggestion(document, "Rafael Ortiz").pk],
                                attribution_ids=[])
    assert result["spans"][0].entity_id is None
    assert not SourceEntity.objects.filter(name="Rafael Ortiz").exists()


def test_a_second_run_after_an_entity_is_made_proposes_it_and_merges_move_proposals(setting):
    project, document, admin, _, marsh = setting
    ortiz = entity_create(project=project, actor=admin, name="Rafael Ortiz", type="person")
    job = pretag_job_start(project=project, requested_by=admin)
    while pretag_job_run_batch(job_id=job.pk):
        pass
    assert suggestion(document, "Rafael Ortiz").suggested_entity_id == ortiz.pk
    entity_merge(entity=ortiz, into=marsh, actor=admin)
    moved = suggestion(document, "Rafael Ortiz")
    assert (moved.suggested_entity_id, moved.suggested_entity_name) == (marsh.pk,
                                                                        "Helena Marsh")


def test_the_api_shows_a_suggestions_entity_and_accepting_it_returns_the_link(setting):
    _, document, _, annotator, marsh = setting
    client = APIClient()
    client.force_authenticate(annotator)
    detail = client.get(f"/api/documents/{document.pk}/").json()
    shown = {s["quote"]: s for s in detail["suggestions"]["spans"]}
    assert shown["She"]["suggested_entity"] == {
        "id": marsh.pk, "name": "Helena Marsh", "type": "person",
        "by": f"{resolver_label()} exact"}
    assert shown["Rafael Ortiz"]["suggested_entity"]["id"] is None
    cues = [s for s in detail["suggestions"]["spans"] if s["label"] == "CUE"]
    assert cues and all(s["suggested_entity"] is None for s in cues)
    response = client.post(f"/api/documents/{document.pk}/suggestions/decide/",
                           {"decision": "accept", "spans": [shown["She"]["id"]]}, format="json")
    assert response.status_code == 200
    assert response.json()["spans"][0]["entity"] == marsh.pk


def test_accepting_what_i_drew_gives_it_the_entity_only_if_it_has_none(setting):
    project, document, admin, annotator, _ = setting
    other = entity_create(project=project, actor=admin, name="Someone Else", type="person")
    start = TEXT.index("Rafael Ortiz")
    mine = spans_create(document, annotator, start, start + len("Rafael Ortiz"))
    she = TEXT.index("She")
    linked = spans_create(document, annotator, she, she + 3)
    Span.objects.filter(pk=linked.pk).update(entity=other)
    suggestions_decide(document=document, annotator=annotator, decision="accept",
                       span_ids=[suggestion(document, "Rafael Ortiz").pk,
                                 suggestion(document, "She").pk], attribution_ids=[])
    mine.refresh_from_db()
    linked.refresh_from_db()
    assert mine.entity.name == "Rafael Ortiz" and mine.version == 2
    assert linked.entity_id == other.pk       # their own choice stays


def test_a_rejection_turned_into_an_acceptance_takes_the_proposed_entity(setting):
    _, document, _, annotator, marsh = setting
    picked = suggestion(document, "She")
    rejected = suggestions_decide(document=document, annotator=annotator, decision="reject",
                                  span_ids=[picked.pk], attribution_ids=[])["spans"][0]
    accepted = suggestions_decide(document=document, annotator=annotator, decision="accept",
                                  span_ids=[picked.pk], attribution_ids=[])["spans"][0]
    assert accepted.pk == rejected.pk and accepted.entity_id == marsh.pk
    assert Span.objects.get(pk=accepted.pk).entity_id == marsh.pk


def spans_create(document, annotator, start, end):
    label = document.project.labels.get(name="SOURCE")
    return span_create(document=document, annotator=annotator, label=label, start=start,
                       end=end, quote=document.text[start:end])


def test_a_resolver_failure_costs_a_document_its_proposals_not_its_suggestions(
        make_user, make_project, make_document, monkeypatch):
    admin = make_user("coadmin2")
    project = make_project(admin=admin)
    document = make_document(project, text=TEXT)

    def broken(**kwargs):
        raise RuntimeError("resolver bug")
    monkeypatch.setattr("annotator.services.pretag_jobs.entity_links_propose", broken)
    job = pretag_job_start(project=project, requested_by=admin)
    while pretag_job_run_batch(job_id=job.pk):
        pass
    job.refresh_from_db()
    assert job.state == "done" and job.errors == 0
    stored = Span.objects.filter(document=document, annotator__isnull=True)
    assert stored.filter(label__name="SOURCE").exists()
    assert not stored.filter(suggested_entity_name__isnull=False).exists()
