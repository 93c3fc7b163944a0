"""brat standoff, reading: one `.ann` against its `.txt`, and a collection of them.

What is read is described in the package's docstring (formats/brat/__init__.py).
"""
from __future__ import annotations

import json
import re
from typing import Callable, Iterable, Iterator

from annotator.formats.brat.writing import flat
from annotator.formats.records import (DEFAULT_ROLES, ENTITY_TYPES, AttributionRecord,
                                       DocumentRecord, EntityRecord, Entry, SpanRecord,
                                       entity_name)

IGNORED_FILES = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf",
                 "manifest.json", "loss-report.jsonl", "README", "README.md", "LICENSE"}

T_LINE = re.compile(r"^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$", re.DOTALL)
E_LINE = re.compile(r"^(E\S*)\t(\S+):(\S+)((?: \S+:\S+)*)\s*$")
R_LINE = re.compile(r"^(R\S*)\t(\S+) Arg1:(\S+) Arg2:(\S+)\s*$")
A_LINE = re.compile(r"^([AM]\S*)\t(\S+) (\S+)(?: (\S+))?\s*$")
NOTE_LINE = re.compile(r"^(#\S*)\t(\S+) (\S+)\t?(.*)$", re.DOTALL)
N_LINE = re.compile(r"^(N\S*)\t(\S+) (\S+) ([^\s:]+):(\S+)\t?(.*)$", re.DOTALL)


def read_ann(text: str, ann: str, name: str, roles: dict | None = None,
             attribute_choices: dict[str, list[str]] | None = None, shift: int = 0) -> Entry:
    """Parse one `.ann` against its `.txt` text into a document (ids: the T and E ids).

    `shift`: how many characters before `text` the `.ann` offsets count (a dropped BOM)."""
    roles = roles or DEFAULT_ROLES
    choices = attribute_choices or {}
    errors: list[str] = []
    textbound: dict[str, list[str]] = {}    # T id -> span ids (several for fragments)
    t_label: dict[str, str] = {}
    spans: list[SpanRecord] = []
    events: dict[str, AttributionRecord] = {}
    relations: dict[str, dict] = {}         # claim T id -> {"source": T, "cue": T}
    parents: dict[str, tuple[str, str]] = {}  # child E id -> (parent E id, where)
    attributes: list[tuple[int, str, str, str | None]] = []
    notes: list[tuple[int, str, str]] = []
    normalisations: list[tuple[str, str]] = []
    lines = ann.split("\n")
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        where = f"{name}:{number}"
        if not line.strip():
            continue
        kind = line[0]
        if kind == "T":
            match = T_LINE.match(line)
            if not match:
                errors.append(f"{where}: not a text-bound annotation "
                              "(T<n>\\tTYPE START END[;START END]\\tTEXT).")
                continue
            tid, label, offsets, covered = match.groups()
            if tid in t_label:
                errors.append(f"{where}: {tid} is defined twice.")
                continue
            parts = [tuple(int(n) - shift for n in piece.split()) for piece in offsets.split(";")]
            if any(s < 0 for s, _ in parts):
                errors.append(f"{where}: {tid} starts on the .txt's byte order mark, which is "
                              "not text.")
                continue
            expected = " ".join(flat(text[s:e]) for s, e in parts)
            if any(e > len(text) or s >= e for s, e in parts):
                errors.append(f"{where}: {tid} offsets {offsets} are outside the text "
                              f"({len(text)} characters) or empty.")
                continue
            if flat(covered).strip() != expected.strip():
                errors.append(f"{where}: {tid} text {covered!r} does not match the .txt at "
                              f"{offsets}: {expected!r}.")
                continue
            if len(parts) > 1 and label != roles["claim"]:
                errors.append(f"{where}: {tid} is discontinuous, which only a "
                              f"{roles['claim']} (a claim in fragments) may be.")
                continue
            t_label[tid] = label
            ids = [tid] if len(parts) == 1 else [f"{tid}.{i}" for i in range(len(parts))]
            textbound[tid] = ids
            for span_id, (start, end) in zip(ids, parts):
                spans.append(SpanRecord(id=span_id, label=label, start=start, end=end,
                                        text=text[start:end]))
        elif kind == "E":
            match = E_LINE.match(line)
            if not match:
                errors.append(f"{where}: not an event (E<n>\\tTYPE:T<n> ROLE:T<n> ...).")
                continue
            eid, etype, trigger, rest = match.groups()
            args = {}
            for arg in rest.split():
                role, _, target = arg.partition(":")
                role_name = role.lower()
                if role_name not in ("source", "cue"):
                    errors.append(f"{where}: {eid} has a role {role!r}; an attribution has "
                                  "Source and Cue only.")
                elif role_name in args:
                    errors.append(f"{where}: {eid} has two {role} arguments.")
                else:
                    args[role_name] = target
            events[eid] = AttributionRecord(id=eid, claims=[trigger], source=args.get("source"),
                                            cue=args.get("cue"))
            events[eid].provenance["_line"] = where
            events[eid].provenance["_type"] = etype
        elif kind == "R":
            match = R_LINE.match(line)
            if not match:
                errors.append(f"{where}: not a relation (R<n>\\tTYPE Arg1:T<n> Arg2:T<n>).")
                continue
            rid, rtype, arg1, arg2 = match.groups()
            role = rtype.lower()
            if role == "parent":  # second-hand: Arg1's event lies in Arg2's claim
                if arg1 in parents:
                    errors.append(f"{where}: {arg1} has a second Parent (the first on "
                                  f"{parents[arg1][1]}).")
                else:
                    parents[arg1] = (arg2, where)
                continue
            if role not in ("source", "cue"):
                errors.append(f"{where}: relation type {rtype!r} is not Source, Cue or "
                              "Parent.")
                continue
            slot = relations.setdefault(arg1, {"_line": where})
            if role in slot:
                errors.append(f"{where}: the claim {arg1} has a second {rtype}.")
                continue
            slot[role] = arg2
        elif kind in "AM":
            match = A_LINE.match(line)
            if not match:
                errors.append(f"{where}: not an attribute (A<n>\\tNAME E<n> [VALUE]).")
                continue
            _, attr_name, target, value = match.groups()
            attributes.append((number, attr_name, target, value))
        elif kind == "#":
            match = NOTE_LINE.match(line)
            if not match:
                errors.append(f"{where}: not a note (#<n>\\tAnnotatorNotes ID\\tTEXT).")
                continue
            notes.append((number, match.group(3), match.group(4)))
        elif kind == "N":
            normalisations.append((where, line))
        else:
            errors.append(f"{where}: {kind!r} annotations (equivalences, ...) "
                          "are not supported.")
    # Resolve events and relations to span ids.
    attributions: list[AttributionRecord] = []

    def resolve(tid, where, role, single=True):
        if tid is None:
            return None
        if tid not in textbound:
            errors.append(f"{where}: {role} {tid} is not a text-bound annotation of this file.")
            return None
        ids = textbound[tid]
        if single and len(ids) > 1:
            errors.append(f"{where}: {role} {tid} is discontinuous; only claims may be.")
            return None
        return ids if not single else ids[0]

    for eid, event in events.items():
        where, etype = event.provenance.pop("_line"), event.provenance.pop("_type")
        trigger = event.claims[0]
        if etype != roles["claim"] or t_label.get(trigger) not in (None, roles["claim"]):
            errors.append(f"{where}: {eid} is a {etype} event; an attribution is a "
                          f"{roles['claim']} event triggered by its claim.")
            continue
        claims = resolve(trigger, where, "trigger", single=False)
        source = resolve(event.source, where, "Source")
        cue = resolve(event.cue, where, "Cue")
        if claims:
            attributions.append(AttributionRecord(id=eid, claims=list(claims), source=source,
                                                  cue=cue))
    for claim_tid, slot in relations.items():
        where = slot.pop("_line")
        claims = resolve(claim_tid, where, "Arg1", single=False)
        source = resolve(slot.get("source"), where, "Source")
        cue = resolve(slot.get("cue"), where, "Cue")
        if claims:
            attributions.append(AttributionRecord(id=f"R:{claim_tid}", claims=list(claims),
                                                  source=source, cue=cue))
    by_id = {a.id: a for a in attributions}
    for child, (parent, where) in parents.items():
        for eid in (child, parent):
            if eid not in events:
                errors.append(f"{where}: Parent {eid} is not an event (an attribution) of "
                              "this file.")
        if child in by_id and parent in events:
            by_id[child].parent = parent
    for number, attr_name, target, value in attributes:
        where = f"{name}:{number}"
        if target not in by_id:
            errors.append(f"{where}: attribute {attr_name} is on {target}, which is not an "
                          "attribution (event) of this file.")
            continue
        if value is None:
            errors.append(f"{where}: attribute {attr_name} has no value.")
            continue
        known = choices.get(attr_name, [])
        if value not in known and value.replace("_", " ") in known:
            value = value.replace("_", " ")
        by_id[target].attributes[attr_name] = value
    span_by_t = {tid: ids for tid, ids in textbound.items()}
    spans_by_id = {s.id: s for s in spans}
    for number, target, note in notes:
        try:
            provenance = json.loads(note)
        except json.JSONDecodeError:
            provenance = {"note": note}
        if not isinstance(provenance, dict):
            provenance = {"note": note}
        if target in span_by_t:
            for span_id in span_by_t[target]:
                spans_by_id[span_id].provenance.update(provenance)
        elif target in by_id:
            by_id[target].provenance.update(provenance)
        # Notes on relations or on ids we do not know carry no label: nothing to keep.
    entities = _entities(normalisations, textbound, spans_by_id, errors)
    if errors:
        return Entry(name, errors=errors)
    return Entry(name, document=DocumentRecord(text=text, spans=spans,
                                               attributions=attributions, entities=entities))


def _entities(normalisations: list[tuple[str, str]], textbound: dict[str, list[str]],
              spans_by_id: dict[str, SpanRecord], errors: list[str]) -> list[EntityRecord]:
    """Source entities from `N<n>\\tReference T<n> TYPE:ID\\tNAME` lines (the package's
    docstring): one entity per ID, each T linked to its ID (SpanRecord.entity)."""
    found: dict[str, EntityRecord] = {}
    linked: set[str] = set()
    for where, line in normalisations:
        match = N_LINE.match(line)
        if not match:
            errors.append(f"{where}: not a normalisation (N<n>\\tReference T<n> TYPE:E<k>"
                          "\\tNAME).")
            continue
        nid, ntype, target, resource, identifier, name = match.groups()
        name = entity_name(name)
        if ntype != "Reference":
            errors.append(f"{where}: {nid} is a {ntype!r} normalisation; a source entity "
                          "is a 'Reference'.")
        elif resource not in ENTITY_TYPES:
            errors.append(f"{where}: {nid} refers to {resource!r}, which is not a source "
                          f"entity type ({', '.join(ENTITY_TYPES)}).")
        elif target not in textbound or len(textbound[target]) > 1:
            errors.append(f"{where}: {nid} is on {target}, which is not a continuous "
                          "text-bound annotation of this file.")
        elif target in linked:
            errors.append(f"{where}: {target} has a second source entity ({nid}).")
        elif not name:
            errors.append(f"{where}: {nid} has no name (the text after the second tab).")
        elif identifier in found and (found[identifier].name, found[identifier].type) \
                != (name, resource):
            errors.append(f"{where}: {identifier} is {found[identifier].type}:"
                          f"{found[identifier].name!r} on an earlier line; here "
                          f"{resource}:{name!r}.")
        else:
            found.setdefault(identifier, EntityRecord(id=identifier, name=name, type=resource))
            linked.add(target)
            spans_by_id[textbound[target][0]].entity = identifier
    return list(found.values())


def pair_files(names: Iterable[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Zip entry names → ([(txt name, ann name or None)], problems). Folders are fine."""
    txt, ann, problems = {}, {}, []
    for entry in sorted(names):
        base = entry.rsplit("/", 1)[-1]
        if entry.endswith("/") or base.startswith(".") or entry.startswith("__MACOSX/") \
                or base in IGNORED_FILES:
            continue
        if entry.endswith(".txt"):
            txt[entry[:-4]] = entry
        elif entry.endswith(".ann"):
            ann[entry[:-4]] = entry
        else:
            problems.append(f"{entry}: not a brat file (.txt or .ann).")
    for stem in sorted(set(ann) - set(txt)):
        problems.append(f"{ann[stem]}: has no {stem}.txt beside it.")
    return [(txt[stem], ann.get(stem)) for stem in sorted(txt)], problems


def read_collection(names: Iterable[str], load: Callable[[str], str], roles: dict | None = None,
                    attribute_choices: dict | None = None) -> Iterator[Entry]:
    """Every document of a brat collection; `load(name)` gives a file's text."""
    pairs, problems = pair_files(names)
    for problem in problems:
        yield Entry(problem.split(":", 1)[0], errors=[problem])
    for txt_name, ann_name in pairs:
        reading = txt_name
        try:
            text = load(txt_name)
            reading = ann_name
            ann = load(ann_name) if ann_name else ""
        except UnicodeDecodeError as exc:
            yield Entry(txt_name, errors=[f"{reading}: not UTF-8 (byte {exc.start}: "
                                          f"{exc.reason})."])
            continue
        shift = 1 if text.startswith("\ufeff") else 0
        entry = read_ann(text[shift:], ann.removeprefix("\ufeff"), ann_name or txt_name, roles,
                         attribute_choices, shift=shift)
        entry.where = txt_name
        if entry.document is not None:
            stem = txt_name.rsplit("/", 1)[-1][:-4]
            entry.document.title = stem
            entry.document.metadata = {"file": txt_name}
        yield entry

