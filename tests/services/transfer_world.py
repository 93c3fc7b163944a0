"""A labelled project for the import/export tests: the seed article tagged by the built-in
pre-tagger and accepted by an annotator, plus documents with emoji, nested (overlapping)
claims and claims in fragments; a reviewer approves everything."""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from annotator.formats.archive import ZipBundle
from annotator.formats.records import label_key
from annotator.formats import jsonl
from annotator.models import Attribution, Span
from annotator.pretag import get_tagger, pretag_text
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create
from annotator.services.exports import Layer, layer_parse, project_export
from annotator.services.reviews import review_bulk_decide
from annotator.services.spans import spans_bulk_create
from annotator.services.suggestions import suggestions_decide, suggestions_store

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_02d45cab8d670c28.txt"

EMOJI_TEXT = ("“The deal is dead,” the minister said, “and nobody will revive it.” 😀 "
              "According to officials 🇺🇦, talks collapsed. A spokesperson 👩‍💼 warned that "
              "prices will rise.\nThe mayor said that the council believes taxes will fall.")


def at(text, piece, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return {"label": label, "start": start, "end": start + len(piece), "quote": piece}


@dataclass
class Labelled:
    project: object
    annotator: object
    annotator2: object
    reviewer: object
    seed: object
    emoji: object


def hand_labels(document, user):
    """Spans and attributions with emoji, a claim in two fragments and a nested claim."""
    t = document.text
    items = [at(t, "The deal is dead,", "CLAIM"), at(t, "the minister", "SOURCE"),
             at(t, "said", "CUE"), at(t, "and nobody will revive it.", "CLAIM"),
             at(t, "According to", "CUE"), at(t, "officials 🇺🇦", "SOURCE"),
             at(t, "talks collapsed.", "CLAIM"), at(t, "A spokesperson 👩‍💼", "SOURCE"),
             at(t, "warned", "CUE"), at(t, "prices will rise.", "CLAIM"),
             at(t, "The mayor", "SOURCE"), at(t, "said", "CUE", 1),
             at(t, "the council believes taxes will fall.", "CLAIM"),
             at(t, "the council", "SOURCE"), at(t, "believes", "CUE"),
             at(t, "taxes will fall.", "CLAIM")]
    s = spans_bulk_create(document=document, annotator=user, items=items)
    make = [([s[0], s[3]], s[1], s[2], {"quote_type": "direct", "source_type": "named person"}),
            ([s[6]], s[5], s[4], {"quote_type": "indirect", "source_type": "anonymous"}),
            ([s[9]], s[7], s[8], {"claim_type": "prediction"}),
            ([s[12]], s[10], s[11], {}),
            ([s[15]], s[13], s[14], {"source_type": "organisation"})]   # nested in s[12]
    made = []
    for index, (claims, source, cue, attributes) in enumerate(make):
        made.append(attribution_create(
            document=document, annotator=user, claims=[c.pk for c in claims], source=source.pk,
            cue=cue.pk, attributes=attributes,
            parent=made[3].pk if index == 4 else None))   # second-hand: inside the mayor's


def pretag_and_accept(document, user):
    result = pretag_text(get_tagger(), document.text)
    tagger = get_tagger()
    suggestions_store(document=document, tagger_name=tagger.name,
                      tagger_version=tagger.version, spans=result.spans,
                      attributions=result.attributions)
    suggestions_decide(document=document, annotator=user, decision="accept",
                       span_ids=list(Span.objects.filter(document=document, annotator=None)
                                     .values_list("pk", flat=True)),
                       attribution_ids=list(Attribution.objects.filter(
                           document=document, annotator=None).values_list("pk", flat=True)))


def approve_all(document, reviewer, annotator):
    review_bulk_decide(reviewer=reviewer, document=document, decision="approve",
                       spans=list(Span.objects.filter(document=document, annotator=annotator)),
                       attributions=list(Attribution.objects.filter(document=document,
                                                                    annotator=annotator)))


def build(make_project, make_user) -> Labelled:
    annotator, annotator2, reviewer, admin = (make_user() for _ in range(4))
    project = make_project(admin=admin, reviewer=reviewer)
    from annotator.services.projects import membership_set

    membership_set(project=project, user=annotator, role="annotator")
    membership_set(project=project, user=annotator2, role="annotator")
    seed, _ = document_create(project=project, title="Seed",
                              text=SEED.read_text(encoding="utf-8"))
    emoji, _ = document_create(project=project, title="Emoji", text=EMOJI_TEXT,
                               metadata={"lang": "en"}, source_url="https://example.org/a")
    pretag_and_accept(seed, annotator)
    hand_labels(emoji, annotator)
    for document in (seed, emoji):
        approve_all(document, reviewer, annotator)
    project.admin = admin
    return Labelled(project=project, annotator=annotator, annotator2=annotator2,
                    reviewer=reviewer, seed=seed, emoji=emoji)


def export_bytes(project, fmt="jsonl", layer="approved") -> bytes:
    buffer = io.BytesIO()
    parsed = layer if isinstance(layer, Layer) else layer_parse(project=project, value=layer)
    with ZipBundle(buffer) as bundle:
        project_export(project=project, fmt=fmt, layer=parsed, bundle=bundle)
    return buffer.getvalue()


def jsonl_records(data: bytes) -> list[dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [json.loads(line) for line in archive.read("data.jsonl").decode().splitlines()]


def labels_by_text(data: bytes) -> dict:
    """text sha256 → label_key of each document of a JSON Lines export zip."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    lines = enumerate(archive.read("data.jsonl").splitlines(), start=1)
    result = {}
    for entry in jsonl.read(lines, "data.jsonl"):
        result[json.loads(jsonl.write([entry.document]).__next__())["text_sha256"]] = \
            label_key(entry.document)
    return result
