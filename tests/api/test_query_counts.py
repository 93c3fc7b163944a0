"""No N+1: reads run the same number of queries with 1 label as with 500."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.models import (Attribution, ClaimFragment, Label, ReviewDecision, Span,
                              attribution_dedup_key)
from annotator.services.attributions import attribution_create
from annotator.services.spans import span_create
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


# --- The document list page (issue #17): its queries, counted one by one -------------------

def list_page_queries(client, world) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/projects/{world.project.id}/documents/")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == 1
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("role, expected", [("annotator", 3), ("reviewer", 4)])
def test_the_document_list_page_runs_a_known_number_of_queries(world, role, expected):
    """With an API token: the token with its user, the project with the user's membership
    (one query, access/rows.py), the page with the count (one query on PostgreSQL, two on
    SQLite); for those who see assignees, the page's assignees too. Nothing else: the
    membership's role is not read again."""
    from rest_framework.test import APIClient

    from annotator.services.accounts import api_token_create

    user = getattr(world, role)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='t').secret}")
    list_page_queries(client, world)  # the first use of the token is recorded (an UPDATE)
    queries = list_page_queries(client, world)
    assert len(queries) == expected + (connection.vendor == "sqlite"), queries
    assert "annotator_apitoken" in queries[0] and "annotator_membership" in queries[1]


# --- Writes (issue #17): a fixed number of queries, whatever the length of the text ---------
# Under the test's transaction every atomic block is a SAVEPOINT ... RELEASE pair (two
# "queries"); force_authenticate makes no token lookup (an API client's token adds one).

MIB = 1024 * 1024
# Curly quotes, an emoji (one code point, two UTF-16 units) and a combining accent.
PIECE = "“Prices will rise,” the minister said 📈 of the cafe\u0301. "


def long_text(size: int) -> str:
    return (PIECE * (size // len(PIECE.encode()) + 1))[: size // 2]


def span_body(document, index: int, label: str = "CLAIM") -> dict:
    """A span near the end of the text, so that the slice read is far into it."""
    start = document.length - 40 - index
    return {"label": label, "start": start, "end": start + 7,
            "quote": document.text[start:start + 7]}


def own_span(world, document, index: int, label: str = "CLAIM") -> Span:
    label_row = Label.objects.get(project=world.project, name=label)
    body = span_body(document, index, label)
    return span_create(document=document, annotator=world.annotator, label=label_row,
                       start=body["start"], end=body["end"])


# Each prepares what its write needs and returns (the request, its status code).

def write_span_create(world, client, document):
    body = span_body(document, 0)
    return lambda: client.post(f"/api/documents/{document.pk}/spans/", body,
                               format="json"), 201


def write_attribution_create(world, client, document):
    claim, source = own_span(world, document, 1), own_span(world, document, 2, "SOURCE")
    return lambda: client.post(f"/api/documents/{document.pk}/attributions/",
                               {"claims": [claim.pk], "source": source.pk}, format="json"), 201


def write_span_update(world, client, document):
    span = own_span(world, document, 3)
    return lambda: client.patch(f"/api/spans/{span.pk}/",
                                {"start": span.start + 1, "version": 1}, format="json"), 200


def write_span_label_change(world, client, document):
    span = own_span(world, document, 4)
    return lambda: client.patch(f"/api/spans/{span.pk}/", {"label": "CUE", "version": 1},
                                format="json"), 200


def write_span_delete(world, client, document):
    span = own_span(world, document, 5)
    return lambda: client.delete(f"/api/spans/{span.pk}/?version=1"), 204


def write_attribution_delete(world, client, document):
    claim, source = own_span(world, document, 6), own_span(world, document, 7, "SOURCE")
    attribution = attribution_create(document=document, annotator=world.annotator,
                                     claims=[claim.pk], source=source.pk)
    return lambda: client.delete(f"/api/attributions/{attribution.pk}/?version=1"), 204


# name: (prepare the write, its queries on SQLite, on PostgreSQL). Each line of a comment is
# one query or a pair. On PostgreSQL a statement is a round trip to the server: the creates
# run as one statement without a transaction of their own, the others write the row, what
# points to it, the event (and the stale mark) in one statement (services/single_writes.py,
# services/events.py write_with_event). SQLite has no data-modifying CTEs and runs its
# statements in-process: there the writes keep one statement each.
WRITES = {
    # document, membership and label (one query; on PostgreSQL with the layer status);
    # SQLite: SAVEPOINT; layer status + text[start:end]; INSERT span (ON CONFLICT DO
    # NOTHING: no savepoint); INSERT event; RELEASE. PostgreSQL: span + event, one statement
    "span create": (write_span_create, 6, 2),
    # document and membership; SQLite: SAVEPOINT; layer status; claim + source spans;
    # INSERT attribution (ON CONFLICT DO NOTHING); INSERT event; the annotator's explorer
    # layer of the document marked stale (one upsert: services/explorer_stale.py); RELEASE.
    # PostgreSQL: the spans; attribution + event + stale mark, one statement
    "attribution create": (write_attribution_create, 8, 3),
    # span, label, document and membership; SAVEPOINT; span locked + layer status +
    # text[start:end] + does an attribution of it nest (second-hand claims)?; UPDATE (no
    # savepoint: a duplicate's error rolls the write back); INSERT event; RELEASE.
    # PostgreSQL: UPDATE + event, one statement
    "span update (offsets)": (write_span_update, 6, 5),
    # the same and the new label, without the slice (the quote stays)
    "span update (label)": (write_span_label_change, 7, 6),
    # span...; SAVEPOINT; span locked + layer status + used by attributions?; no attribution
    # uses it, so written out (services/rows.py dependents_sql): suggestions of it cleared,
    # its review decisions deleted, DELETE span; INSERT event; RELEASE. PostgreSQL: the
    # four, one statement
    "span delete": (write_span_delete, 8, 5),
    # attribution...; SAVEPOINT; attribution locked + layer status + its fragments + has it
    # children (services/attribution_locks.py); none, so written out: suggestions of it
    # cleared, its fragments and review decisions deleted, DELETE attribution (its explorer
    # rows are the settling's to delete); INSERT event; the annotator's explorer layer
    # marked stale (a pending attribution); RELEASE. PostgreSQL: the six, one statement
    "attribution delete": (write_attribution_delete, 10, 5),
}


def write_queries(world, client, document, prepare) -> list[str]:
    request, status = prepare(world, client, document)
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == status, response.content[:300]
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("name", WRITES)
def test_writes_run_a_fixed_number_of_queries_whatever_the_length_of_the_text(
        world, api, make_document, name):
    prepare, on_sqlite, on_postgresql = WRITES[name]
    expected = on_postgresql if connection.vendor == "postgresql" else on_sqlite
    client = api(world.annotator)
    counts = {}
    for size in (15_000, MIB):
        document = make_document(world.project, text=long_text(size), title=f"{size} bytes")
        own_span(world, document, 40)  # the layer is open: its status row exists
        queries = write_queries(world, client, document, prepare)
        counts[size] = len(queries)
        # the text is not read again: the process read it once (the set-up's span) and
        # keeps it (services/layers.py)
        assert not [q for q in queries if '"text"' in q], name
    assert counts == {15_000: expected, MIB: expected}, counts
