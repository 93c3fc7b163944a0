"""Annotated documents generated for the learned tagger's tests (our own texts, no corpus text).

Each document is a few paragraphs built from templates: a direct quote with its
frame, a split quote ("A," she said, "B."), an indirect claim ("X said that
..."), "according to" and plain sentences, with the spans and attributions that
the templates define. The annotation follows the news corpus's conventions
(a quoted claim includes its quotation marks).
"""
from __future__ import annotations

import json
import random

NAMES = ["Maria Lopez", "the minister", "Tom Baker", "a spokesman", "the council",
         "Ana Silva", "officials", "the mayor", "Dr. Amir Khan", "the union"]
CUES = ["said", "told reporters", "added", "warned", "claimed"]
CLAIMS = ["the bridge will open in May", "nobody saw the fire coming",
          "the budget is balanced", "the talks have failed", "prices will rise again",
          "the school needs more teachers", "the vote was fair", "the road is not safe",
          "the plan will cost millions", "the river is rising fast"]
PLAIN = ["The town lies on the coast.", "Rain fell for most of the week.",
         "The hall was full by noon.", "Trains ran late on Monday.",
         "The market opens at eight."]


class Builder:
    def __init__(self):
        self.text, self.spans, self.attributions = "", [], []

    def add(self, piece: str, label: str | None = None) -> str | None:
        start = len(self.text)
        self.text += piece
        if label is None:
            return None
        key = f"T{len(self.spans) + 1}"
        self.spans.append({"id": key, "label": label, "start": start, "end": len(self.text),
                           "text": piece})
        return key

    def link(self, claims, source, cue):
        self.attributions.append({"claims": claims, "source": source, "cue": cue})


def sentence(b: Builder, rng: random.Random) -> None:
    kind = rng.randrange(5)
    name, cue, claim = rng.choice(NAMES), rng.choice(CUES), rng.choice(CLAIMS)
    if kind == 0:                                   # "Claim," Name said.
        c = b.add(f"\u201c{claim.capitalize()},\u201d", "CLAIM")
        b.add(" ")
        s = b.add(name[0].upper() + name[1:], "SOURCE")
        b.add(" ")
        k = b.add(cue, "CUE")
        b.add(".")
        b.link([c], s, k)
    elif kind == 1:                                 # Name said that claim.
        s = b.add(name[0].upper() + name[1:], "SOURCE")
        b.add(" ")
        k = b.add(rng.choice(["said", "warned", "claimed"]), "CUE")
        b.add(" that ")
        c = b.add(claim, "CLAIM")
        b.add(".")
        b.link([c], s, k)
    elif kind == 2:                                 # "A," said Name, "B."
        other = rng.choice(CLAIMS)
        c1 = b.add(f"\u201c{claim.capitalize()},\u201d", "CLAIM")
        b.add(" ")
        k = b.add("said", "CUE")
        b.add(" ")
        s = b.add(name, "SOURCE")
        b.add(", ")
        c2 = b.add(f"\u201cand {other}.\u201d", "CLAIM")
        b.link([c1, c2], s, k)
    elif kind == 3:                                 # According to Name, claim.
        k = b.add("According to", "CUE")
        b.add(" ")
        s = b.add(name, "SOURCE")
        b.add(", ")
        c = b.add(claim, "CLAIM")
        b.add(".")
        b.link([c], s, k)
    else:
        b.add(rng.choice(PLAIN))


def documents(count: int, seed: int = 1, prefix: str = "gen") -> list[dict]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        b = Builder()
        for p in range(rng.randint(2, 4)):
            if p:
                b.add("\n\n")
            for s in range(rng.randint(1, 3)):
                if s:
                    b.add(" ")
                sentence(b, rng)
        out.append({"id": f"{prefix}-{n}", "text": b.text, "spans": b.spans,
                    "attributions": b.attributions})
    return out


def write(path, records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
