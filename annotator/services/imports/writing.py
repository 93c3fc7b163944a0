"""The second pass's writing: documents, labels, kept review decisions, suggestions."""
from __future__ import annotations

from annotator import text as text_mod
from annotator.facets import document_outlet, document_published
from annotator.formats.records import DocumentRecord, entity_aliases, entity_name
from annotator.models import (Attribution, ClaimFragment, Document, Event, LabelStatus, Origin,
                              Project, ReviewDecision, ReviewState, SourceEntity, Span,
                              attribution_dedup_key)
from annotator.services.entities import entity_snapshot
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.imports.layers import _Layers, _is_prediction
from annotator.services.imports.options import IMPORT_TAGGER, ImportOptions, ImportReport
from annotator.services.suggestions import SuggestedAttribution, SuggestedSpan, suggestions_store


def _span_fields(provenance: dict, keep_review_state: bool = False,
                 approve: bool = False) -> dict:
    """What of a label's provenance in the file is kept on the stored label.

    The review state only when the importer asks (keep_review_state): an approval needs
    a who, and the file's reviewer is nobody here (docs/decisions.md, section 8)."""
    origin = provenance.get("origin")
    tagger = provenance.get("tagger") or provenance.get("tagger_name") or ""
    version = provenance.get("tagger_version") or ""
    if origin not in Origin.values or (origin == Origin.PRETAG and not tagger):
        origin = Origin.HUMAN
    review_state = provenance.get("review_state")
    if approve:
        review_state = ReviewState.APPROVED
    elif not keep_review_state or review_state not in ReviewState.values:
        review_state = ReviewState.PENDING
    confidence = provenance.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) \
            or not 0 <= confidence <= 1:
        confidence = None
    return {"origin": origin, "tagger_name": str(tagger)[:100] if origin == Origin.PRETAG else "",
            "tagger_version": str(version)[:50] if origin == Origin.PRETAG else "",
            "review_state": review_state, "confidence": confidence}


def _count_dropped(report: ImportReport, provenance: dict, kept: bool) -> None:
    state = provenance.get("review_state")
    if not kept and state in (ReviewState.APPROVED, ReviewState.REJECTED):
        report.review_states_dropped[state] = report.review_states_dropped.get(state, 0) + 1


def _annotators(document: DocumentRecord) -> list[str]:
    names = set()
    for item in [*document.spans, *document.attributions]:
        for name in item.provenance.get("annotators") or []:
            if isinstance(name, str):
                names.add(name)
        if isinstance(item.provenance.get("annotator"), str):
            names.add(item.provenance["annotator"])
    return sorted(names)


def _write(project: Project, user, batch: list[tuple[str, DocumentRecord]],
           report: ImportReport, options: ImportOptions, fmt: str, file_digest: str,
           owners: _Layers) -> None:
    documents = []
    for where, record in batch:
        metadata = dict(record.metadata)
        imported = {"format": fmt, "file": report.file, "where": where}
        if record.id is not None:
            imported["id"] = record.id  # the document's id in the file (another project's)
        names = _annotators(record)
        if names:
            imported["annotators"] = names
        if record.normalized:
            imported["normalized"] = record.normalized
        metadata["imported"] = imported
        documents.append(Document(project=project, title=(record.title or "").strip()[:500],
                                  text=record.text, length=len(record.text),
                                  text_sha256=text_mod.sha256(record.text),
                                  source_url=record.source_url or "", metadata=metadata,
                                  outlet=document_outlet(metadata, record.source_url or ""),
                                  published=document_published(metadata)))
    stored = Document.objects.bulk_create(documents)  # ids come back on PostgreSQL and SQLite
    report.created += len(stored)
    labels = {label.name: label for label in project.labels.all()}
    if options.mode == "suggestions":
        _write_suggestions(stored, batch, report, fmt, file_digest, predictions_only=False)
    else:
        _write_labels(stored, batch, report, user, labels, owners=owners,
                      keep_review_state=options.keep_review_state,
                      approve=options.approve_labels,
                      entities=_entities_of(project, user, batch, report))
        _write_suggestions(stored, batch, report, fmt, file_digest, predictions_only=True)
        # the members' layers (and the approved one, with approved labels)
        explorer_rows_refresh(document_ids=[document.pk for document in stored])
    Event.objects.bulk_create([
        Event(project_id=project.pk, document_id=document.pk, actor=user, action="import",
              target_type="document", target_id=document.pk,
              after={**document.metadata["imported"], "mode": options.mode,
                     "spans": len(record.spans), "attributions": len(record.attributions)})
        for document, (_, record) in zip(stored, batch)])


def _entities_of(project: Project, user, batch, report: ImportReport) -> list[dict]:
    """For each document of the batch, its file's entity ids → the project's entities: one
    of the same name if the project has it, else made now (an event each)."""
    wanted = {entity_name(e.name): e for _, record in batch for e in record.entities}
    if not wanted:
        return [{} for _ in batch]
    found = {e.name: e for e in SourceEntity.objects.filter(project=project,
                                                             name__in=list(wanted))}
    made = SourceEntity.objects.bulk_create([
        SourceEntity(project=project, name=name, type=e.type, created_by=user,
                     aliases=entity_aliases(e.aliases, name))
        for name, e in wanted.items() if name not in found])  # ids come back on both databases
    report.entities_created += len(made)
    Event.objects.bulk_create([
        Event(project_id=project.pk, actor=user, action="create", target_type="entity",
              target_id=e.pk, after=entity_snapshot(e), note=f"imported from {report.file}")
        for e in made])
    found.update({e.name: e for e in made})
    return [{e.id: found[entity_name(e.name)].pk for e in record.entities}
            for _, record in batch]


def _write_labels(stored, batch, report, user, labels, *, owners: _Layers,
                  keep_review_state: bool, approve: bool = False,
                  entities: list[dict] | None = None) -> None:
    span_rows = []
    alias: list[dict[str, int]] = []
    reviewed: list[tuple[str, int, str, dict]] = []  # (kind, row index, where, provenance)
    for index, (document, (where, record)) in enumerate(zip(stored, batch)):
        first_of: dict[tuple, int] = {}
        mapping: dict[str, int] = {}
        for span in record.spans:
            if _is_prediction(span):
                continue
            owner = owners.owner(record, span)
            key = (owner.pk, span.label, span.start, span.end)
            if key not in first_of:  # one label per offsets in one layer (a constraint)
                first_of[key] = len(span_rows)
                fields = _span_fields(span.provenance, keep_review_state, approve)
                _count_dropped(report, span.provenance, keep_review_state or approve)
                if fields["review_state"] != ReviewState.PENDING:
                    reviewed.append(("span", len(span_rows), where, span.provenance))
                entity = (entities[index].get(span.entity)
                          if entities and span.entity is not None else None)
                span_rows.append(Span(document=document, annotator=owner,
                                      label=labels[span.label], start=span.start, end=span.end,
                                      quote=record.text[span.start:span.end],
                                      status=LabelStatus.ACCEPTED, entity_id=entity, **fields))
                name = owner.get_username()
                report.layers[name] = report.layers.get(name, 0) + 1
            mapping[span.id] = first_of[key]
        alias.append(mapping)
    created = Span.objects.bulk_create(span_rows)
    report.spans += len(created)
    attribution_rows, fragment_rows = [], []
    reviewed_attributions: list[tuple[str, int, str, dict]] = []
    row_of: list[dict[str, int]] = []   # per document: attribution id → its row's index
    for index, (document, (where, record)) in enumerate(zip(stored, batch)):
        mapping = alias[index]
        seen: dict[tuple, int] = {}
        row_of.append({})
        for attribution in record.attributions:
            if _is_prediction(attribution):
                continue
            owner = owners.owner(record, attribution)
            claims = [created[mapping[c]].pk for c in attribution.claims]
            source = created[mapping[attribution.source]].pk if attribution.source else None
            cue = created[mapping[attribution.cue]].pk if attribution.cue else None
            # One layer holds an attribution once (a constraint): the first in the file wins.
            key = (owner.pk, attribution_dedup_key(claims, source, cue))
            if key in seen:
                row_of[-1][attribution.id] = seen[key]
                continue
            seen[key] = row_of[-1][attribution.id] = len(attribution_rows)
            fields = _span_fields(attribution.provenance, keep_review_state, approve)
            _count_dropped(report, attribution.provenance, keep_review_state or approve)
            if fields["review_state"] != ReviewState.PENDING:
                reviewed_attributions.append(("attribution", len(attribution_rows), where,
                                              attribution.provenance))
            attribution_rows.append(Attribution(
                document=document, annotator=owner, claim_id=claims[0], source_id=source,
                cue_id=cue, dedup_key=key[1], attributes=attribution.attributes,
                status=LabelStatus.ACCEPTED, **fields))
            fragment_rows.append(claims[1:])
    made = Attribution.objects.bulk_create(attribution_rows)
    report.attributions += len(made)
    _write_parents(made, batch, row_of)
    ClaimFragment.objects.bulk_create([
        ClaimFragment(attribution=attribution, span_id=span_id, position=position)
        for attribution, rest in zip(made, fragment_rows)
        for position, span_id in enumerate(rest, start=1)])
    rows = {"span": created, "attribution": made}
    ReviewDecision.objects.bulk_create([
        _kept_review(rows[kind][at], kind, where, provenance, user, report.file, approve)
        for kind, at, where, provenance in [*reviewed, *reviewed_attributions]])


def _write_parents(made: list[Attribution], batch, row_of: list[dict[str, int]]) -> None:
    """Second-hand claims: each stored attribution's parent, from the file's ids (checked by
    formats/nesting.py). One UPDATE per hundred children; a parent in another layer (a
    prediction, or another annotator's labels) is not linked."""
    children = []
    for (_, record), rows in zip(batch, row_of):
        for attribution in record.attributions:
            child, parent = rows.get(attribution.id), rows.get(attribution.parent)
            if child is None or parent is None or child == parent:
                continue
            if made[child].annotator_id == made[parent].annotator_id:
                made[child].parent_id = made[parent].pk
                children.append(made[child])
    Attribution.objects.bulk_update(children, ["parent"], batch_size=100)


def _kept_review(row, kind: str, where: str, provenance: dict, user, file_name: str,
                 approve: bool = False) -> ReviewDecision:
    """The decision that gives a kept approval (or rejection) a who: the importing admin,
    with a note naming the file and the reviewer the file names (or, with
    approve_labels, saying that the importer took the file's labels as approved)."""
    if approve:
        return ReviewDecision(document_id=row.document_id, reviewer=user, decision="approve",
                              note=f"Taken as approved on import from {file_name} ({where}) "
                                   f"by {user.get_username()}.", **{kind: row})
    reviewer = provenance.get("reviewer")
    if not isinstance(reviewer, str) or not reviewer.strip():
        reviewers = provenance.get("reviewers")
        reviewer = ", ".join(r for r in reviewers if isinstance(r, str)) \
            if isinstance(reviewers, list) else ""
    named = f"the file names {reviewer.strip()!r} as its reviewer" if reviewer.strip() \
        else "the file names no reviewer"
    decision = "approve" if row.review_state == ReviewState.APPROVED else "reject"
    return ReviewDecision(document_id=row.document_id, reviewer=user, decision=decision,
                          note=f"Imported as {row.review_state} from {file_name} ({where}); "
                               f"{named}.", **{kind: row})


def _write_suggestions(stored, batch, report, fmt, file_digest, *,
                       predictions_only: bool) -> None:
    """Suggestions of the tagger "import": a prediction's own model version, or (in
    suggestions mode) the file's labels, versioned by the format and the file's SHA-256."""
    default_version = f"{fmt}-{file_digest[:12]}"

    def version_of(item) -> str | None:
        if _is_prediction(item):
            return str(item.provenance.get("tagger_version") or default_version)[:50]
        return None if predictions_only else default_version

    for document, (_, record) in zip(stored, batch):
        groups: dict[str, tuple[list, list]] = {}
        mapping: dict[str, str] = {}
        keys: dict[tuple, str] = {}
        for span in record.spans:
            version = version_of(span)
            if version is None:
                continue
            key = (version, span.label, span.start, span.end)
            if key not in keys:
                keys[key] = span.id
                groups.setdefault(version, ([], []))[0].append(SuggestedSpan(
                    key=span.id, label=span.label, start=span.start, end=span.end,
                    confidence=_span_fields(span.provenance)["confidence"]))
            mapping[span.id] = keys[key]
        placed: dict[str, tuple[str, int]] = {}   # attribution id → (version, index)
        for a in record.attributions:
            version = version_of(a)
            if version is None:
                continue
            group = groups.setdefault(version, ([], []))[1]
            placed.setdefault(a.id, (version, len(group)))
            group.append(SuggestedAttribution(
                claims=[mapping[c] for c in a.claims],
                source=mapping[a.source] if a.source else None,
                cue=mapping[a.cue] if a.cue else None, attributes=a.attributes))
        for a in record.attributions:  # a parent among the same tagger version's
            child, parent = placed.get(a.id), placed.get(a.parent)
            if child and parent and child[0] == parent[0] and child != parent:
                groups[child[0]][1][child[1]].parent = parent[1]
        for version, (spans, attributions) in groups.items():
            new_spans, new_attributions = suggestions_store(
                document=document, tagger_name=IMPORT_TAGGER, tagger_version=version,
                spans=spans, attributions=attributions)
            if predictions_only or version != default_version:
                report.suggestions += new_spans + new_attributions
            else:
                report.spans += new_spans
                report.attributions += new_attributions
