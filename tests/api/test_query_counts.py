"""No N+1: reads run the same number of queries with 1 label as with 500."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.models import (Attribution, ClaimFragment, Label, ReviewDecision, Span,
                              attribution_dedup_key)
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)

pytestmark = pytest.mark.django_db


def add_labels(world, make_document, count):
    """A document with `count` spans of each label per annotator, attributions with a second
    claim fragment, suggestions and review decisions."""
    doc = make_document(world.project, text=f"{count} " + "word " * 2000, title=f"{count} spans")
    labels = {label.name: label for label in Label.objects.filter(project=world.project)}
    for annotator in (world.annotator, world.annotator2):
        spans = Span.objects.bulk_create([
            Span(document=doc, annotator=annotator, label=labels[name], start=i, end=i + 1,
                 quote=doc.text[i])
            for i in range(count) for name in ("CLAIM", "SOURCE", "CUE")])
        claims = [s for s in spans if s.label_id == labels["CLAIM"].pk]
        sources = [s for s in spans if s.label_id == labels["SOURCE"].pk]
        fragments = claims[1:] + [None]  # each claim continues in the next one
        attributions = Attribution.objects.bulk_create([
            Attribution(document=doc, annotator=annotator, claim=c, source=s,
                        dedup_key=attribution_dedup_key([c.pk, *([f.pk] if f else [])],
                                                        s.pk, None))
            for c, s, f in zip(claims, sources, fragments)])
        ClaimFragment.objects.bulk_create([
            ClaimFragment(attribution=a, span=f, position=1)
            for a, f in zip(attributions, fragments) if f is not None])
        ReviewDecision.objects.bulk_create([
            ReviewDecision(document=doc, reviewer=world.reviewer, span=s, decision="approve")
            for s in spans])
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key=str(i), label="CLAIM", start=i, end=i + 2)
                             for i in range(count)],
                      attributions=[SuggestedAttribution(claims=[str(i)]) for i in range(count)])
    return doc


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


URLS = {
    "document detail (mine)": ("annotator", "/api/documents/{doc}/"),
    "document detail (all layers)": ("reviewer", "/api/documents/{doc}/?layer=all"),
    "document list": ("annotator", "/api/projects/{project}/documents/"),
    "project list": ("annotator", "/api/projects/"),
    "label list": ("annotator", "/api/projects/{project}/labels/"),
    "member list": ("annotator", "/api/projects/{project}/members/"),
    "review list": ("reviewer", "/api/documents/{doc}/reviews/"),
}


@pytest.mark.parametrize("name", URLS)
def test_reads_run_a_fixed_number_of_queries_whatever_the_number_of_spans(
        world, api, make_document, name):
    role, template = URLS[name]
    client = api(getattr(world, role))
    small = add_labels(world, make_document, 1)
    few = count_queries(client, template.format(doc=small.id, project=world.project.id))
    large = add_labels(world, make_document, 500)
    assert Span.objects.filter(document=large, annotator=world.annotator).count() == 1500
    many = count_queries(client, template.format(doc=large.id, project=world.project.id))
    assert many == few, f"{name}: {few} queries with 1 span, {many} with 500"


def test_document_detail_returns_every_label_at_500_spans(world, api, make_document):
    doc = add_labels(world, make_document, 500)
    body = api(world.reviewer).get(f"/api/documents/{doc.id}/?layer=all").json()
    assert len(body["spans"]) == 3000 and len(body["attributions"]) == 1000
    assert len(body["suggestions"]["spans"]) == 500
