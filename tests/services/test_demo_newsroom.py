"""The newsroom demo (manage.py load_demo): invented articles, labelled by the demo
annotator and approved by the demo reviewer through the services, once."""
import pytest
from django.core.management import CommandError, call_command

from annotator.demo_articles import ENTITIES, articles
from annotator.models import (APPROVED_LAYER, Attribution, DocStatus, Document,
                              DocumentStatus, Event, ExplorerRow, Membership, Project,
                              ReviewDecision, ReviewState, SourceEntity, Span)
from annotator.selectors.explorer import ExplorerFilter, explorer_summary
from annotator.services.demo_newsroom import (LEFT_EVERY, NEWSROOM_PROJECT_NAME, NOT_STARTED,
                                              REVIEW_NOTE, WAITING_FOR_REVIEW)
from annotator.services.seeds import DEMO_PROJECT_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_seeds")
    call_command("create_demo_users")
    call_command("load_demo")
    return Project.objects.get(name=NEWSROOM_PROJECT_NAME)


def everything():
    return [list(model.objects.order_by("pk").values()) for model in (
        Project, Membership, Document, DocumentStatus, Span, Attribution, SourceEntity,
        ReviewDecision, Event, ExplorerRow)]


def test_the_articles_are_the_same_every_time_and_their_spans_fit_their_text():
    first, again = articles(), articles()
    assert [a.text for a in first] == [a.text for a in again]
    assert len(first) == 96 and len({a.text for a in first}) == 96
    months = {a.date.strftime("%Y-%m") for a in first}
    assert len(months) == 12
    for article in first:
        for _, label, start, end in article.spans:
            piece = article.text[start:end]
            assert piece and piece == piece.strip() and "“" not in piece, (label, piece)


def test_load_demo_labels_approves_and_leaves_work_for_the_quick_start(demo):
    documents = demo.documents.count()
    assert documents == 96
    left = {n for n in range(96) if n % LEFT_EVERY in (NOT_STARTED, WAITING_FOR_REVIEW)}
    submitted = DocumentStatus.objects.filter(document__project=demo, status=DocStatus.SUBMITTED)
    approved = DocumentStatus.objects.filter(document__project=demo, status=DocStatus.APPROVED)
    assert submitted.count() == 8 and approved.count() == 96 - len(left)
    assert DocumentStatus.objects.filter(document__project=demo).count() == 96 - 8
    # Who did what is in the data: the annotator's labels, the reviewer's decisions.
    assert set(Span.objects.filter(document__project=demo).values_list(
        "annotator__username", flat=True)) == {"annotator"}
    decisions = ReviewDecision.objects.filter(document__project=demo)
    assert set(decisions.values_list("reviewer__username", flat=True)) == {"reviewer"}
    assert set(decisions.values_list("note", flat=True)) <= {
        REVIEW_NOTE, f"approved with the attribution that uses it: {REVIEW_NOTE}"}
    waiting = Attribution.objects.filter(document__statuses__status=DocStatus.SUBMITTED,
                                         document__project=demo)
    assert waiting.exists() and not waiting.exclude(review_state=ReviewState.PENDING).exists()
    # Every SOURCE span links to its entity, pronouns included.
    sources = Span.objects.filter(document__project=demo, label__name="SOURCE")
    assert not sources.filter(entity__isnull=True).exists()
    assert sources.filter(quote__in=["he", "she", "it"]).exists()
    assert SourceEntity.objects.filter(project=demo).count() == len(ENTITIES)
    # The explorer's figures: 12 months, four outlets, anonymous sources among them.
    figures = explorer_summary(project=demo, filters=ExplorerFilter())
    assert len(figures["outlets"]) == 4 and len(figures["months"]) == 12
    assert figures["totals"]["claims"] > 250
    assert any(row["anonymous"] for row in figures["outlets"])
    assert ExplorerRow.objects.filter(project=demo, layer=APPROVED_LAYER).count() == \
        Attribution.objects.filter(document__project=demo,
                                   review_state=ReviewState.APPROVED).count()
    # and each member's own layer: their accepted attributions
    assert ExplorerRow.objects.filter(project=demo).exclude(layer=APPROVED_LAYER).count() == \
        Attribution.objects.filter(document__project=demo, annotator__isnull=False,
                                   status="accepted").count()
    # The sample project is as load_seeds left it.
    sample = Project.objects.get(name=DEMO_PROJECT_NAME)
    assert sample.documents.count() == 1 and not Span.objects.filter(
        document__project=sample).exists()


def test_load_demo_changes_nothing_when_run_twice(demo):
    before = everything()
    call_command("load_demo")
    assert everything() == before


def test_load_demo_asks_for_the_demo_users_first():
    call_command("load_seeds")
    with pytest.raises(CommandError, match="create_demo_users"):
        call_command("load_demo")
    assert not Project.objects.filter(name=NEWSROOM_PROJECT_NAME).exists()
    assert not Document.objects.exclude(project__name=DEMO_PROJECT_NAME).exists()
