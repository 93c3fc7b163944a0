"""How entity names compare: in any case, without a leading "the", without full stops."""
from __future__ import annotations


def normalise(name: str) -> str:
    words = name.replace(".", " ").replace("\u2019", "'").casefold().split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)
