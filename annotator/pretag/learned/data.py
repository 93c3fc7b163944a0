"""Training data: our JSON Lines import format with spans and attributions, checked line by line.

    {"id", "text", "spans": [{"id", "label", "start", "end", "text"?}],
     "attributions": [{"claims": [span id, ...], "source": id|null, "cue": id|null}]}

The pretag_jsonl shape ("relations": [{"source", "cue", "claim", "attribution"}])
is read too. Any fault stops the reading with the file, the line number and
what is wrong (TrainingDataError), before anything is trained or written. A link
to a span of another label (a claim that is a SOURCE span) is a slip in the
labels rather than in the file: that link is left out and counted as a warning.
"""
from __future__ import annotations

import hashlib
import json

from ..base import LABELS


class TrainingDataError(ValueError):
    """A training file that cannot be used; the message names the line."""


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_annotated(path: str, *, need_labels: bool = True,
                   warnings: list[str] | None = None) -> list[dict]:
    """Checked records {"id", "text", "spans": [{"id", "label", "start", "end"}],
    "attributions": [{"claims", "source", "cue"}]}; TrainingDataError naming the line.
    Links left out are described in `warnings` (when a list is given)."""
    records, seen = [], set()
    warnings = [] if warnings is None else warnings
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise TrainingDataError(f"{path}: {exc.strerror}.") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TrainingDataError(f"{where}: not JSON ({exc.msg}).") from None
                record = _check(where, record, need_labels, warnings)
                if record["id"] in seen:
                    raise TrainingDataError(f"{where}: id {record['id']!r} is repeated.")
                seen.add(record["id"])
                records.append(record)
        except UnicodeDecodeError as exc:
            raise TrainingDataError(f"{path}: not UTF-8 ({exc.reason}).") from None
    if not records:
        raise TrainingDataError(f"{path}: no documents.")
    return records


def _check(where: str, record, need_labels: bool, warnings: list[str]) -> dict:
    if not isinstance(record, dict):
        raise TrainingDataError(f"{where}: expected an object with \"id\", \"text\", "
                                f"\"spans\" and \"attributions\".")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        raise TrainingDataError(f"{where}: \"id\" must be a string or an integer.")
    if not isinstance(text, str):
        raise TrainingDataError(f"{where}: \"text\" must be a string.")
    raw_spans = record.get("spans", [])
    if not isinstance(raw_spans, list):
        raise TrainingDataError(f"{where}: \"spans\" must be a list.")
    if need_labels and "spans" not in record:
        raise TrainingDataError(f"{where}: no \"spans\": training needs labelled documents.")
    spans, ids = [], set()
    for n, span in enumerate(raw_spans):
        at = f"{where}: spans[{n}]"
        if not isinstance(span, dict):
            raise TrainingDataError(f"{at}: expected an object.")
        label, start, end = span.get("label"), span.get("start"), span.get("end")
        if label not in LABELS:
            raise TrainingDataError(f"{at}: label {label!r} is not one of {', '.join(LABELS)}.")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise TrainingDataError(f"{at}: \"start\" and \"end\" must be integers.")
        if not 0 <= start < end <= len(text):
            raise TrainingDataError(f"{at}: [{start}, {end}) is not a range inside the text "
                                    f"({len(text)} code points).")
        if "text" in span and span["text"] != text[start:end]:
            raise TrainingDataError(f"{at}: \"text\" differs from the document's "
                                    f"text[{start}:{end}].")
        key = str(span.get("id", f"#{n}"))
        if key in ids:
            raise TrainingDataError(f"{at}: id {key!r} is used twice.")
        ids.add(key)
        spans.append({"id": key, "label": label, "start": start, "end": end})
    labels = {s["id"]: s["label"] for s in spans}
    attributions = []
    if "attributions" in record:
        raw = record["attributions"]
        if not isinstance(raw, list):
            raise TrainingDataError(f"{where}: \"attributions\" must be a list.")
        for n, a in enumerate(raw):
            at = f"{where}: attributions[{n}]"
            if not isinstance(a, dict) or not isinstance(a.get("claims"), list) \
                    or not a["claims"]:
                raise TrainingDataError(f"{at}: needs \"claims\", a non-empty list of span ids.")
            attribution = _attribution(at, [str(c) for c in a["claims"]], a.get("source"),
                                       a.get("cue"), labels, warnings)
            if attribution:
                attributions.append(attribution)
    elif "relations" in record:
        grouped: dict = {}
        for n, r in enumerate(record["relations"] or []):
            at = f"{where}: relations[{n}]"
            if not isinstance(r, dict) or r.get("claim") is None:
                raise TrainingDataError(f"{at}: needs a \"claim\".")
            key = r.get("attribution", f"#{n}")
            g = grouped.setdefault(key, {"claims": [], "source": r.get("source"),
                                         "cue": r.get("cue")})
            g["claims"].append(str(r["claim"]))
        attributions = [a for a in (_attribution(f"{where}: relations", g["claims"],
                                                 g["source"], g["cue"], labels, warnings)
                                    for g in grouped.values()) if a]
    return {"id": str(doc_id), "text": text, "spans": spans, "attributions": attributions}


def _attribution(at: str, claims: list[str], source, cue, labels: dict,
                 warnings: list[str]) -> dict | None:
    """The attribution, without links to spans of the wrong label (None if no claim is left);
    TrainingDataError for a link to no span at all."""
    kept = {}
    for role, keys, label in (("claims", claims, "CLAIM"), ("source", [source], "SOURCE"),
                              ("cue", [cue], "CUE")):
        kept[role] = []
        for key in keys:
            if key is None:
                continue
            key = str(key)
            if key not in labels:
                raise TrainingDataError(f"{at}: {role} {key!r} is not a span id of this line.")
            if labels[key] != label:
                warnings.append(f"{at}: {role} {key!r} is a {labels[key]}, not a {label}: "
                                f"link left out.")
                continue
            kept[role].append(key)
    if not kept["claims"]:
        return None
    return {"claims": kept["claims"], "source": (kept["source"] or [None])[0],
            "cue": (kept["cue"] or [None])[0]}


def to_pretag_shape(record: dict) -> dict:
    """A checked record in the shape annotator.pretag.evaluate scores (one relation per
    claim fragment)."""
    relations = []
    for number, a in enumerate(record["attributions"], start=1):
        for claim in a["claims"]:
            relations.append({"source": a["source"], "cue": a["cue"], "claim": claim,
                              "attribution": number})
    return {"id": record["id"], "text": record["text"], "spans": record["spans"],
            "relations": relations}


def counts(records: list[dict]) -> dict:
    spans = {label: 0 for label in LABELS}
    for r in records:
        for s in r["spans"]:
            spans[s["label"]] += 1
    return {"documents": len(records), "spans": spans,
            "attributions": sum(len(r["attributions"]) for r in records),
            "split_claims": sum(1 for r in records for a in r["attributions"]
                                if len(a["claims"]) > 1)}
