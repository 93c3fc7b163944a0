"""An independent reader of brat standoff, written for the tests straight from brat's
format description (https://brat.nlplab.org/standoff.html), not from our writer:

- text-bound:  ID \\t TYPE START END[;START END]* \\t TEXT
- event:       ID \\t TYPE:TRIGGER [ROLE:ARG]*
- relation:    ID \\t TYPE Arg1:ID Arg2:ID
- attribute:   ID \\t TYPE TARGET [VALUE]
- note:        #ID \\t TYPE TARGET \\t TEXT

It shares no code with annotator/formats/brat/.
"""
from __future__ import annotations


def parse(ann: str) -> dict:
    out = {"entities": {}, "events": {}, "relations": {}, "attributes": {}, "notes": [],
           "normalizations": {}}
    for line in ann.splitlines():
        if not line:
            continue
        ident, _, rest = line.partition("\t")
        if ident.startswith("T"):
            head, _, covered = rest.partition("\t")
            etype, _, spans = head.partition(" ")
            fragments = [tuple(int(x) for x in part.split(" ")) for part in spans.split(";")]
            out["entities"][ident] = {"type": etype, "fragments": fragments, "text": covered}
        elif ident.startswith("E"):
            parts = rest.split()
            etype, trigger = parts[0].split(":")
            args = [tuple(p.split(":")) for p in parts[1:]]
            out["events"][ident] = {"type": etype, "trigger": trigger, "args": args}
        elif ident.startswith("R"):
            rtype, arg1, arg2 = rest.split()
            out["relations"][ident] = {"type": rtype, "arg1": arg1.split(":")[1],
                                       "arg2": arg2.split(":")[1]}
        elif ident.startswith("A"):
            fields = rest.split(" ")
            out["attributes"][ident] = {"type": fields[0], "target": fields[1],
                                        "value": fields[2] if len(fields) > 2 else True}
        elif ident.startswith("#"):
            head, _, note = rest.partition("\t")
            ntype, target = head.split(" ")
            out["notes"].append({"type": ntype, "target": target, "text": note})
        elif ident.startswith("N"):
            head, _, text = rest.partition("\t")
            ntype, target, reference = head.split(" ")
            rid, _, eid = reference.partition(":")
            out["normalizations"][ident] = {"type": ntype, "target": target, "rid": rid,
                                            "eid": eid, "text": text}
        else:
            raise ValueError(f"unknown annotation line: {line!r}")
    return out


def check_against_text(parsed: dict, text: str) -> None:
    """brat's rule: a text-bound annotation's TEXT is the text of its fragments."""
    for ident, entity in parsed["entities"].items():
        expected = " ".join(text[s:e].replace("\n", " ") for s, e in entity["fragments"])
        assert entity["text"] == expected, (ident, entity["text"], expected)
        for start, end in entity["fragments"]:
            assert 0 <= start < end <= len(text), (ident, start, end)
    for event in parsed["events"].values():
        assert event["trigger"] in parsed["entities"]
        assert parsed["entities"][event["trigger"]]["type"] == event["type"]
        for _, arg in event["args"]:
            assert arg in parsed["entities"]
