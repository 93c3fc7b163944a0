"""Checking second-hand claims read from a file: each attribution's `parent` (the id of
another attribution of the document) against the rules of annotator/nesting.py.

Pure, as check.py that calls it: problems name the attribution and the field
("attributions[2].parent: ..."), so that the import report points at them, with the line.
"""
from __future__ import annotations

from annotator.formats.records import AttributionRecord, SpanRecord
from annotator.nesting import nesting_problem, would_cycle


def parents_check(attributions: list[AttributionRecord], spans: dict[str, SpanRecord], *,
                  layered: bool = False) -> list[str]:
    """What is wrong with the attributions' parents: a reference that dangles or is
    ambiguous, an attribution its own parent, a child outside its parent's claim, a loop,
    and (`layered`: each annotator's labels are a layer) a parent of another layer."""
    index_of: dict[str, int] = {}
    twice: set[str] = set()
    for index, attribution in enumerate(attributions):
        if attribution.id in index_of:
            twice.add(attribution.id)
        index_of.setdefault(attribution.id, index)
    problems: list[str] = []
    parents: dict[int, int] = {}
    for index, attribution in enumerate(attributions):
        parent_id = attribution.parent
        if parent_id is None:
            continue
        where = f"attributions[{index}].parent"
        if parent_id not in index_of:
            problems.append(f"{where}: {parent_id!r} is not the id of an attribution of this "
                            "document.")
            continue
        if parent_id in twice:
            problems.append(f"{where}: {parent_id!r} is the id of more than one attribution.")
            continue
        parent_index = index_of[parent_id]
        if parent_index == index:
            problems.append(f"{where}: an attribution cannot be its own parent.")
            continue
        parent = attributions[parent_index]
        if layered and _annotators(parent) != _annotators(attribution):
            problems.append(f"{where}: {parent_id!r} is another annotator's (another layer); "
                            "a parent is of the same layer.")
            continue
        child_ids = [*attribution.claims, attribution.source, attribution.cue]
        parent_ids = list(parent.claims)
        if any(i is not None and i not in spans for i in [*child_ids, *parent_ids]):
            continue  # a span the checks above refused: that is the problem to fix first
        problem = nesting_problem([(spans[i].start, spans[i].end) for i in parent_ids],
                                  [(spans[i].start, spans[i].end) for i in child_ids
                                   if i is not None])
        if problem:
            problems.append(f"{where}: {parent_id!r}: {problem}")
            continue
        if would_cycle(parents, index, parent_index):
            problems.append(f"{where}: {parent_id!r} lies inside this attribution (its child, "
                            "or a child's child): a chain of parents cannot loop.")
            continue
        parents[index] = parent_index
    return problems


def _annotators(attribution: AttributionRecord) -> list:
    return list(attribution.provenance.get("annotators") or [])
