"""Checking a bulk write of an annotator's layer before anything is written (services/bulk.py).

Every bad item is named by its path in the request and its field
(`create.spans[3].end`, `create.attributions[0].claims`, `delete.spans[2].version`), as
text.input_problems names fields, so that a client fixes all of them at once. Nothing
here writes; the reads are a fixed number of queries whatever the number of items.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from annotator import text
from annotator.models import Attribution, Label, LabelStatus, Span, attribution_dedup_key

MAX_ITEMS = 10_000          # per list: spans or attributions, to create or to delete
MAX_CLAIMS = 50             # fragments of one claim, as the single create allows
REF_LENGTH = 100            # a client's name for a span it creates in the same request
MAX_INT = 2**63 - 1


class Problems:
    """Errors by path, in the order found: {"create.spans[3].end": ["reason"]}."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, reason: str) -> None:
        self.errors.setdefault(path, []).append(reason)

    def add_validation(self, path: str, exc: ValidationError) -> None:
        for name, reasons in exc.message_dict.items():
            where = path if name in ("__all__", "non_field_errors") else f"{path}.{name}"
            for reason in reasons:
                self.add(where, reason)

    def __bool__(self) -> bool:
        return bool(self.errors)


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT


def item_list(body, path: str, problems: Problems) -> list:
    """The list at `path` of the body (absent: empty), at most MAX_ITEMS long."""
    if body is None:
        return []
    if not isinstance(body, list):
        problems.add(path, "must be a list.")
        return []
    if len(body) > MAX_ITEMS:
        problems.add(path, f"at most {MAX_ITEMS:,} items in one request, got {len(body):,}.")
        return []
    return body


def section(body, name: str, keys: tuple[str, ...], problems: Problems) -> dict:
    """`create` or `delete`: an object with only these keys (absent: empty)."""
    value = body.get(name) if isinstance(body, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(name, "must be an object.")
        return {}
    for key in value:
        if key not in keys:
            problems.add(f"{name}.{key}", f"is not a field here ({', '.join(keys)}).")
    return value


def deletions_check(model, items: list, path: str, *, document, annotator,
                    problems: Problems) -> tuple[dict, list]:
    """The annotator's own rows of this document to delete: ({id: row}, [(path, row,
    version)]), one query. Each item is {"id", "version"}: the version the client saw."""
    wanted = []
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            problems.add(where, 'must be an object {"id": ..., "version": ...}.')
            continue
        row_id, version = item.get("id"), item.get("version")
        if not is_id(row_id):
            problems.add(f"{where}.id", "must be an id (a positive integer).")
            continue
        if not is_id(version):
            problems.add(f"{where}.version", "must be the version you saw (a positive integer).")
            continue
        wanted.append((where, row_id, version))
    rows = model.objects.filter(pk__in=[row_id for _, row_id, _ in wanted], document=document,
                                annotator=annotator).order_by()
    if model is Span:
        rows = rows.select_related("label")
    found = {row.pk: row for row in rows} if wanted else {}
    what = model.__name__.lower()
    seen, checked = set(), []
    for where, row_id, version in wanted:
        if row_id in seen:
            problems.add(f"{where}.id", f"{what} {row_id} is listed twice.")
        elif row_id not in found:
            problems.add(f"{where}.id", f"{row_id} is not one of your {what}s in this document.")
        else:
            checked.append((where, found[row_id], version))
        seen.add(row_id)
    return {row.pk: row for _, row, _ in checked}, checked


@dataclass
class NewSpan:
    path: str
    ref: str | None
    label: Label
    start: int
    end: int
    quote: str
    row_id: int | None = None  # once stored


SPAN_FIELDS = ("label", "start", "end", "quote", "ref")
ATTRIBUTION_FIELDS = ("claims", "source", "cue", "attributes")


def _fields_problem(item, where: str, fields: tuple, noun: str,
                    problems: Problems) -> bool | None:
    """None when `item` is not an object; else whether it has a key that is not one of
    `fields` (each named in `problems`)."""
    if not isinstance(item, dict):
        problems.add(where, "must be an object {" + ", ".join(f'"{f}"' for f in fields) + "}.")
        return None
    bad = False
    for key in item:
        if key not in fields:
            problems.add(f"{where}.{key}", f"is not a field of {noun}.")
            bad = True
    return bad


def spans_check(items: list, *, document_text: str, labels: dict[str, Label],
                existing: set[tuple[int, int, int]], problems: Problems) -> list[NewSpan]:
    """The spans to create, checked against the text, the labels and the annotator's spans
    (`existing`: (label id, start, end) of their accepted spans that stay)."""
    checked, refs, keys = [], {}, {}
    for index, item in enumerate(items):
        where = f"create.spans[{index}]"
        bad = _fields_problem(item, where, SPAN_FIELDS, "a span", problems)
        if bad is None:
            continue
        ref = item.get("ref")
        if ref is not None and (not isinstance(ref, str) or not 1 <= len(ref) <= REF_LENGTH):
            problems.add(f"{where}.ref", f"must be a string of 1 to {REF_LENGTH} characters.")
            bad, ref = True, None
        if ref is not None:
            if ref in refs:
                problems.add(f"{where}.ref", f"names create.spans[{refs[ref]}] already.")
                bad = True
            refs.setdefault(ref, index)
        label = labels.get(item.get("label")) if isinstance(item.get("label"), str) else None
        if label is None:
            problems.add(f"{where}.label", f"{item.get('label')!r} is not a label of this "
                                           f"project ({', '.join(labels)}).")
            bad = True
        quote = item.get("quote")
        if quote is not None and not isinstance(quote, str):
            problems.add(f"{where}.quote", "must be a string.")
            bad, quote = True, None
        try:
            covered = text.check_span(document_text, item.get("start"), item.get("end"), quote)
        except ValidationError as exc:
            problems.add_validation(where, exc)
            continue
        if bad:
            continue
        key = (label.pk, item["start"], item["end"])
        if key in keys:
            problems.add(where, f"repeats create.spans[{keys[key]}] (the same label and "
                                "offsets).")
            continue
        keys[key] = index
        if key in existing:
            problems.add(where, f"You already have a {label.name} span at [{item['start']}, "
                                f"{item['end']}).")
            continue
        checked.append(NewSpan(path=where, ref=ref, label=label, start=item["start"],
                               end=item["end"], quote=covered))
    return checked


@dataclass
class NewAttribution:
    path: str
    claims: list            # each a Span (existing) or a NewSpan (made by this request)
    source: object | None
    cue: object | None
    attributes: dict
    dedup_parts: tuple = ()


def span_ids_of(items: list) -> list[int]:
    """The span ids (not refs) that these attributions to create name, to read at once."""
    found = []
    for item in items:
        if isinstance(item, dict):
            claims = item.get("claims")
            found += [*(claims if isinstance(claims, list) else []), item.get("source"),
                      item.get("cue")]
    return list({value for value in found if is_id(value)})


def _part(value, where: str, *, own: dict, refs: dict, problems: Problems):
    """An existing span (by id) or a span of this request (by its ref); None if bad."""
    if isinstance(value, str):
        if value not in refs:
            problems.add(where, f"{value!r} is not the ref of a span of create.spans.")
            return None
        return refs[value]
    if not is_id(value):
        problems.add(where, f"{value!r} is neither a span id nor a ref of create.spans.")
        return None
    if value not in own:
        problems.add(where, f"span {value} is not one of your spans in this document (or "
                            "it is deleted by this request).")
        return None
    return own[value]


def _label_name(part) -> str:
    return part.label.name


def _identity(part):
    return ("new", part.path) if isinstance(part, NewSpan) else ("old", part.pk)


def attributions_check(items: list, *, project, roles: dict[str, str], own: dict,
                       refs: dict[str, NewSpan], attributes_check,
                       problems: Problems) -> list[NewAttribution]:
    """The attributions to create: each part one of the annotator's spans of this document
    (by id, `own`) or a span this request creates (by ref, `refs`), in the right role."""
    checked, keys = [], {}
    for index, item in enumerate(items):
        where = f"create.attributions[{index}]"
        bad = _fields_problem(item, where, ATTRIBUTION_FIELDS, "an attribution", problems)
        if bad is None:
            continue
        claims = item.get("claims")
        if not isinstance(claims, list) or not 1 <= len(claims) <= MAX_CLAIMS:
            problems.add(f"{where}.claims", f"needs 1 to {MAX_CLAIMS} CLAIM spans (ids or "
                                            "refs).")
            continue
        parts = [_part(value, f"{where}.claims", own=own, refs=refs, problems=problems)
                 for value in claims]
        picked = {}
        for name in ("source", "cue"):
            value = item.get(name)
            picked[name] = None if value is None else _part(
                value, f"{where}.{name}", own=own, refs=refs, problems=problems)
            bad = bad or (value is not None and picked[name] is None)
        if bad or None in parts:
            continue
        identities = [_identity(part) for part in parts]
        if len(set(identities)) != len(identities):
            problems.add(f"{where}.claims", "lists a span twice.")
            continue
        for part in parts:
            if _label_name(part) != roles["claim"]:
                problems.add(f"{where}.claims", f"{_label_name(part)} is not a "
                                                f"{roles['claim']}.")
                bad = True
        for name in ("source", "cue"):
            part = picked[name]
            if part is None:
                continue
            if _label_name(part) != roles[name]:
                problems.add(f"{where}.{name}", f"{_label_name(part)} is not a {roles[name]}.")
                bad = True
            elif _identity(part) in identities:
                problems.add(f"{where}.{name}", "is already one of the claims.")
                bad = True
        if picked["source"] is not None and picked["cue"] is not None and \
                _identity(picked["source"]) == _identity(picked["cue"]):
            problems.add(f"{where}.cue", "cannot be the same span as the source.")
            bad = True
        try:
            clean = attributes_check(project, item.get("attributes") or {})
        except ValidationError as exc:
            problems.add_validation(where, exc)
            bad = True
        if bad:
            continue
        dedup = (tuple(identities), picked["source"] and _identity(picked["source"]),
                 picked["cue"] and _identity(picked["cue"]))
        if dedup in keys:
            problems.add(where, f"repeats create.attributions[{keys[dedup]}] (the same "
                                "claim, source and cue).")
            continue
        keys[dedup] = index
        checked.append(NewAttribution(path=where, claims=parts, source=picked["source"],
                                      cue=picked["cue"], attributes=clean, dedup_parts=dedup))
    return checked


def existing_duplicates_check(attributions: list[NewAttribution], *, document, annotator,
                              deleted: set, problems: Problems) -> None:
    """Attributions made only of existing spans must not copy one the annotator keeps (one
    query); one that uses a new span cannot."""
    keys = {}
    for item in attributions:
        parts = [*item.claims, item.source, item.cue]
        if any(isinstance(part, NewSpan) for part in parts if part is not None):
            continue
        keys[attribution_dedup_key([span.pk for span in item.claims],
                                   item.source and item.source.pk,
                                   item.cue and item.cue.pk)] = item
    if not keys:
        return
    for row_id, key in Attribution.objects.filter(
            document=document, annotator=annotator, status=LabelStatus.ACCEPTED,
            dedup_key__in=list(keys)).order_by().values_list("pk", "dedup_key"):
        if row_id not in deleted:  # one this request deletes may be made again
            problems.add(keys[key].path, f"You already have this attribution ({row_id}: the "
                                         "same claim, source and cue).")
