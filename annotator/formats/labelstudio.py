"""Label Studio's exports of labelled text: its JSON ("labelstudio") and JSON_MIN
("labelstudio-min"). Import only.

JSON: a list of tasks (JSON Lines of tasks are read too):

    [{"id": 7, "data": {"text": "…", "title": "…"}, "meta": {},
      "annotations": [{"id": 3, "completed_by": 1, "was_cancelled": false, "result": [
          {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
           "value": {"start": 0, "end": 9, "text": "Officials", "labels": ["SOURCE"]}},
          {"type": "relation", "from_id": "r2", "to_id": "r1", "direction": "right",
           "labels": []}]}],
      "predictions": [{"model_version": "v1", "score": 0.8, "result": […]}]}]

JSON_MIN: one flat object per annotation, the task's data keys beside the
regions, grouped under the name of the labels control:

    [{"id": 7, "text": "…", "label": [{"start": 0, "end": 9, "text": "Officials",
      "labels": ["SOURCE"]}], "annotator": "ann@example.org", "annotation_id": 3}]

- The text is the data key "text", else the only string key, else the one
  string that holds every region's text; otherwise the reader asks.
- Each annotation is one annotator's layer (`layered`): its spans carry
  provenance["annotators"] = [who] (an e-mail, or the Label Studio user id);
  the import maps them to project members (services/imports.py). Cancelled
  (skipped) annotations carry no labels: a note says they were left out.
- Relations become attributions as doccano's do (formats/relations.py).
- Predictions become suggestions of the tagger "import", version the
  prediction's model_version (provenance "prediction": true). Label Studio's
  own JSON export (1.23) lists predictions by id only: a note says so.
- Results that are not text spans (choices, ratings, text areas) are listed
  in the report's notes, never dropped in silence.
- Offsets: Label Studio 1.23 stores code points; older pages stored UTF-16
  units. Every region carries its text, so each document is decided from that
  evidence (formats/units.py), and the check compares every region's text.
  Label Studio writes a line break inside a region's text as the two
  characters backslash and "n" (one pair per "\r" and per "\n": a CRLF
  becomes "\\n\\n"); such a text is read back against the document (`_line_breaks`)
  with a note, so that the comparison holds.
- Titles: data "title", else meta "title", else "<file name>#<task id>".
"""
from __future__ import annotations

import json
import re
from typing import Iterator

from annotator.formats import units
from annotator.formats.records import (DEFAULT_ROLES, AttributionRecord, DocumentRecord, Entry,
                                       SpanRecord)
from annotator.formats.relations import relations_to_attributions

MIN_KEYS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time",
            "drafts", "predictions", "meta"}
PREDICTION_TAGGER = "import"


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load(data: bytes) -> tuple[list | None, list[tuple[str, str]]]:
    """The file's items: a JSON array, one object, or JSON Lines of objects.

    Returns (items or None, [(where suffix, problem)])."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        return None, [("", f"not UTF-8 (byte {exc.start}).")]
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            return None, [(f":{exc.lineno}", f"not JSON ({exc.msg} at column {exc.colno}).")]
        except RecursionError:
            return None, [("", "not JSON we can read (nested too deeply).")]
        return value, []
    items, problems = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append((f":{number}", f"not JSON ({exc.msg} at column {exc.colno})."))
        except RecursionError:
            problems.append((f":{number}", "not JSON we can read (nested too deeply)."))
    return items, problems


def _who(value) -> str | None:
    """completed_by / annotator: an id, an e-mail, or an object with "email" and "id"."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if _int(value) or (isinstance(value, str) and value.strip()):
        return str(value).strip()
    return None


def _text_key(data: dict, region_texts: list[str], skip=()) -> tuple[str | None, str | None]:
    strings = {k: v for k, v in data.items() if isinstance(v, str) and k not in skip}
    if "text" in strings:
        return "text", None
    if len(strings) == 1:
        return next(iter(strings)), None
    holding = [k for k, v in strings.items() if all(t in v for t in region_texts)]
    if len(holding) == 1 and region_texts:
        return holding[0], None
    return None, (f"data: which key holds the text? Its string keys are "
                  f"{', '.join(sorted(strings)) or 'none'}; name it \"text\" (the labelling "
                  "config's <Text value=\"$text\"/>).")


def _pieces(quotes) -> list[str]:
    """Region texts cut where Label Studio wrote a line break as backslash + "n" (below)."""
    return [piece for quote in quotes if quote for piece in quote.split("\\n") if piece]


def _line_breaks(text: str, spans: list[SpanRecord]) -> list[str]:
    """Region texts in which Label Studio wrote each "\\r" and "\\n" as backslash + "n": the
    document's slice that reads so becomes the span's text (checked as usual then), with a
    note. The slice is taken in each count the offsets might be in (formats/units.py); only
    a slice that every matching count agrees on is used."""
    notes = []
    maps = [units.mapper(text, name) for name in (units.CODEPOINTS, units.UTF16, units.GRAPHEMES)]
    for index, span in enumerate(spans):
        if not span.text or "\\n" not in span.text or not (_int(span.start) and _int(span.end)):
            continue
        found = set()
        for to_cp in maps:
            start, end = to_cp(span.start), to_cp(span.end)
            if start is not None and end is not None and \
                    re.sub(r"\r|\n", lambda _: "\\n", text[start:end]) == span.text:
                found.add(text[start:end])
        if len(found) == 1:
            span.text = found.pop()
            notes.append(f"spans[{index}] {span.label}: Label Studio wrote its line breaks as "
                         "\"\\n\"; compared with the document's line breaks instead.")
    return notes


def _title(data: dict, meta: dict, fallback: str) -> str:
    for value in (data.get("title"), meta.get("title")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return fallback


class _Layer:
    """The spans and attributions of one annotation or prediction."""

    def __init__(self, prefix: str, provenance: dict, roles: dict):
        self.prefix, self.provenance, self.roles = prefix, provenance, roles
        self.spans: list[SpanRecord] = []
        self.region: dict[str, list[str]] = {}   # region id -> span ids (one per label)
        self.links: list[tuple[str, str, str]] = []
        self.errors: list[str] = []
        self.notes: list[str] = []

    def add_region(self, where: str, region_id, value: dict) -> None:
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if not isinstance(labels, list) or not labels or not all(
                isinstance(x, str) for x in labels):
            self.errors.append(f"{where}.value.labels: must be a non-empty list of label "
                               "names.")
            return
        if not (_int(start) and _int(end)):
            self.errors.append(f"{where}.value: start and end must be integers (character "
                               "offsets of a <Text> region; HyperText regions are not read).")
            return
        text = value.get("text") if isinstance(value.get("text"), str) else None
        key = str(region_id) if region_id is not None else f"#{len(self.region)}"
        ids = []
        for label in labels:
            span_id = f"{self.prefix}{key}" + (f"/{label}" if len(labels) > 1 else "")
            ids.append(span_id)
            self.spans.append(SpanRecord(id=span_id, label=label, start=start, end=end,
                                         text=text, provenance=dict(self.provenance)))
        self.region[key] = ids

    def add_relation(self, where: str, item: dict) -> None:
        a, b = item.get("from_id"), item.get("to_id")
        self.links.append((where, str(a), str(b)))

    def attributions(self) -> list[AttributionRecord]:
        links = []
        for where, a, b in self.links:
            if a not in self.region or b not in self.region:
                self.errors.append(f"{where}: from_id or to_id is not the id of a region of "
                                   "this annotation.")
            elif len(self.region[a]) > 1 or len(self.region[b]) > 1:
                self.errors.append(f"{where}: links a region with several labels; a relation "
                                   "needs one label at each end.")
            else:
                links.append((where, self.region[a][0], self.region[b][0]))
        if not links or self.errors:
            return []
        found, problems = relations_to_attributions(self.spans, links, self.roles)
        self.errors += problems
        for attribution in found:
            attribution.id = f"{self.prefix}{attribution.id}"
            attribution.provenance = dict(self.provenance)
        return found


def _read_result(layer: _Layer, where: str, result) -> None:
    if not isinstance(result, list):
        layer.errors.append(f"{where}: must be a list.")
        return
    for index, item in enumerate(result):
        at = f"{where}[{index}]"
        if not isinstance(item, dict):
            layer.errors.append(f"{at}: must be an object.")
        elif item.get("type") == "labels" and isinstance(item.get("value"), dict):
            layer.add_region(at, item.get("id"), item["value"])
        elif item.get("type") == "relation":
            layer.add_relation(at, item)
        else:
            layer.notes.append(f"{at}: a {item.get('type', 'typeless')!r} result is not a text "
                               "span; left out.")


def parse_task(task, where: str, fallback_title: str,
               roles: dict | None = None) -> tuple[DocumentRecord | None, list[str]]:
    """One task of the JSON export → (document with every annotator's layer, problems)."""
    roles = roles or DEFAULT_ROLES
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        return None, ["a Label Studio task is an object with \"data\" (and \"annotations\")."]
    data = task["data"]
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    layers: list[_Layer] = []
    errors: list[str] = []
    notes: list[str] = []
    for kind in ("annotations", "predictions"):
        items = task.get(kind) or []
        if not isinstance(items, list):
            errors.append(f"{kind}: must be a list.")
            continue
        for index, item in enumerate(items):
            at = f"{kind}[{index}]"
            if kind == "predictions" and (_int(item) or isinstance(item, str)):
                notes.append(f"{at}: the export lists this prediction by its id ({item}) only, "
                             "without its regions; left out.")
                continue
            if not isinstance(item, dict):
                errors.append(f"{at}: must be an object.")
                continue
            if kind == "annotations":
                if item.get("was_cancelled"):
                    notes.append(f"{at}: cancelled (skipped) in Label Studio; left out.")
                    continue
                who = _who(item.get("completed_by"))
                if who is None:
                    errors.append(f"{at}.completed_by: names no annotator.")
                    continue
                provenance = {"annotators": [who], "labelstudio_annotation": item.get("id")}
                prefix = f"a{index}:"
            else:
                version = item.get("model_version")
                version = str(version) if version not in (None, "") else "labelstudio"
                provenance = {"origin": "pretag", "tagger": PREDICTION_TAGGER,
                              "tagger_version": version[:50], "prediction": True}
                if isinstance(item.get("score"), (int, float)) and not isinstance(
                        item.get("score"), bool):
                    provenance["confidence"] = item["score"]
                prefix = f"p{index}:"
            layer = _Layer(prefix, provenance, roles)
            _read_result(layer, f"{at}.result", item.get("result"))
            layers.append(layer)
    attributions = [a for layer in layers for a in layer.attributions()]
    spans = [s for layer in layers for s in layer.spans]
    errors += [e for layer in layers for e in layer.errors]
    notes += [n for layer in layers for n in layer.notes]
    key, problem = _text_key(data, _pieces(s.text for s in spans))
    if problem:
        errors.append(problem)
    if errors:
        return None, errors
    notes += _line_breaks(data[key], spans)
    metadata = {k: v for k, v in data.items() if k != key}
    if meta:
        metadata["meta"] = meta
    metadata["labelstudio_task"] = task.get("id")
    return DocumentRecord(text=data[key], title=_title(data, meta, fallback_title),
                          id=task.get("id"), metadata=metadata, spans=spans,
                          attributions=attributions, offset_units="unknown", layered=True,
                          notes=notes), []


def _task_name(name: str, task, index: int) -> str:
    task_id = task.get("id") if isinstance(task, dict) else None
    return f"{name}#{task_id}" if _int(task_id) or isinstance(task_id, str) \
        else f"{name}#{index + 1}"


def _listed(data: bytes, name: str, not_a_list: str) -> tuple[list | None, list[Entry]]:
    """The export's items (one object alone is a list of one), and what was wrong reading it."""
    items, problems = load(data)
    wrong = [Entry(f"{name}{suffix}", errors=[problem]) for suffix, problem in problems]
    if isinstance(items, dict):
        items = [items]
    if items is not None and not isinstance(items, list):
        items, wrong = None, [*wrong, Entry(name, errors=[not_a_list])]
    return items, wrong


def read(data: bytes, name: str, roles: dict | None = None) -> Iterator[Entry]:
    items, wrong = _listed(data, name, "a Label Studio JSON export is a list of tasks.")
    yield from wrong
    if items is None:
        return
    for index, task in enumerate(items):
        where = _task_name(name, task, index)
        document, errors = parse_task(task, where, where, roles)
        yield Entry(where, document=document, errors=errors)


# --- JSON_MIN -----------------------------------------------------------------------------

def _region_lists(row: dict) -> dict[str, list]:
    """The keys of a JSON_MIN row that hold text regions (lists of {start, end, labels})."""
    return {k: v for k, v in row.items() if k not in MIN_KEYS and isinstance(v, list) and v
            and all(isinstance(x, dict) and "start" in x and "labels" in x for x in v)}


def read_min(data: bytes, name: str, roles: dict | None = None) -> Iterator[Entry]:
    """JSON_MIN has one row per annotation: the rows of one task (same "id", same text) are
    one document, each row an annotator's layer."""
    roles = roles or DEFAULT_ROLES
    items, wrong = _listed(data, name, "a Label Studio JSON_MIN export is a list of objects.")
    yield from wrong
    if items is None:
        return
    tasks: dict[object, list[tuple[int, dict]]] = {}
    for index, row in enumerate(items):
        if not isinstance(row, dict):
            yield Entry(f"{name}[{index}]", errors=["must be an object (a JSON_MIN row)."])
            continue
        key = row.get("id") if _int(row.get("id")) or isinstance(row.get("id"), str) \
            else f"#{index}"
        tasks.setdefault(key, []).append((index, row))
    for key, rows in tasks.items():
        where = f"{name}#{key}" if not str(key).startswith("#") else f"{name}[{rows[0][0]}]"
        yield _min_task(rows, where, roles)


def _min_task(rows: list[tuple[int, dict]], where: str, roles: dict) -> Entry:
    errors: list[str] = []
    layers: list[_Layer] = []
    texts: set[str] = set()
    first = rows[0][1]
    for index, row in rows:
        at = f"[{index}]"
        regions = _region_lists(row)
        who = _who(row.get("annotator"))
        if regions and who is None:
            errors.append(f"{at}.annotator: names no annotator.")
            continue
        layer = _Layer(f"a{index}:", {"annotators": [who],
                                      "labelstudio_annotation": row.get("annotation_id")}, roles)
        for field_name, values in regions.items():
            for number, value in enumerate(values):
                layer.add_region(f"{at}.{field_name}[{number}]",
                                 value.get("id") or f"{field_name}{number}", value)
        layers.append(layer)
        skip = set(regions)
        key, problem = _text_key(row, _pieces(s.text for s in layer.spans),
                                 skip=MIN_KEYS | skip)
        if problem:
            errors.append(f"{at}: {problem}")
        else:
            texts.add(row[key])
            text_key = key
    errors += [e for layer in layers for e in layer.errors]
    if len(texts) > 1:
        errors.append("the rows of this task id hold different texts.")
    if errors:
        return Entry(where, errors=errors)
    region_keys = set().union(*(_region_lists(row) for _, row in rows))
    metadata = {k: v for k, v in first.items()
                if k not in MIN_KEYS and k not in region_keys and k != text_key}
    metadata["labelstudio_task"] = first.get("id")
    text = texts.pop()
    spans = [s for layer in layers for s in layer.spans]
    notes = [n for layer in layers for n in layer.notes] + _line_breaks(text, spans)
    return Entry(where, document=DocumentRecord(
        text=text, title=_title(first, {}, where), id=first.get("id"), metadata=metadata,
        spans=spans, offset_units="unknown", layered=True, notes=notes))
