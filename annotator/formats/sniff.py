"""What a file is and which format it looks like, from its first bytes (and a zip's names).

Two questions, both for refusals that say what was uploaded instead:
- `describe(head)`: what kind of file it is at all ("a PDF document", "JSON Lines",
  "binary data (not UTF-8 at byte 12)"): "x.zip is not a zip file: it is JSON Lines".
- `sniff_content` / `sniff_zip` and `refusal`: which tool's export it looks like. An
  import checks this before reading: a file that looks like another tool's export than
  the format chosen would otherwise fail line by line, or worse, read "successfully"
  without its labels (doccano's `label` lists mean nothing to our JSON Lines reader).
  The error then says: "this looks like a doccano JSONL export: choose the format
  'doccano'". Only clear signs count; a line with nothing but "text" reads the same in
  several formats and says nothing.

Pure: bytes and str in, words out.
"""
from __future__ import annotations

import json
import re

HEAD_BYTES = 64 * 1024  # enough to recognise a file; the readers read the rest

MAGIC = [  # (first bytes, what they are)
    (b"PK\x03\x04", "a zip file"), (b"PK\x05\x06", "an empty zip file"),
    (b"\x1f\x8b", "a gzip file"), (b"BZh", "a bzip2 file"), (b"\xfd7zXZ\x00", "an xz file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip file"), (b"Rar!", "a RAR file"),
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xff\xfe", "UTF-16 text (save it as UTF-8)"), (b"\xfe\xff", "UTF-16 text (save it as "
                                                                  "UTF-8)"),
]


def not_utf8_at(data: bytes, *, partial: bool = False) -> int | None:
    """The offset of the first byte that is not UTF-8, or None. With partial, a character
    cut off at the end (data is the head of a longer file) is not counted."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if partial and exc.reason == "unexpected end of data":
            return None
        return exc.start
    return None


def json_kind(text: str) -> str | None:
    """"a JSON document" or "JSON Lines" if the text is one (or starts as one), else None."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        pass
    else:
        if isinstance(value, dict) and "\n" not in stripped:
            return "JSON Lines"  # one object on one line
        return "a JSON document" if isinstance(value, (dict, list)) else None
    first = stripped.split("\n", 1)[0].strip()
    try:
        return "JSON Lines" if isinstance(json.loads(first), dict) else None
    except (ValueError, RecursionError):
        return None


def json_format_hint(text: str) -> str:
    """Which import format a JSON text is meant for (sniff_content's clear signs), in words."""
    sniffed = sniff_content(text.encode("utf-8", "surrogatepass"))
    if sniffed in LOOKS and sniffed != "txt":
        return f"it looks like {LOOKS[sniffed]}: choose the format '{sniffed}'"
    return "choose the format 'jsonl' (one JSON object with a \"text\" per line)"


def describe(head: bytes) -> str:
    """What the first bytes of a file say it is, in words ("JSON Lines", "a PDF document",
    "binary data (not UTF-8 at byte 12)")."""
    if not head.strip():
        return "an empty file" if not head else "only white space"
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    bad = not_utf8_at(head, partial=len(head) >= HEAD_BYTES)
    if bad is not None:
        return f"binary data (not UTF-8 at byte {bad})"
    text = head.decode("utf-8", "ignore").removeprefix("\ufeff")
    if "\x00" in text:
        return "binary data (it holds NUL bytes)"
    return json_kind(text) or "plain text"


LOOKS = {
    "jsonl": "a JSON Lines export of this tool (spans and attributions)",
    "doccano": "a doccano JSONL export",
    "labelstudio": "a Label Studio JSON export",
    "labelstudio-min": "a Label Studio JSON_MIN export",
    "brat": "a brat standoff collection (.txt and .ann files)",
    "txt": "plain text",
}
# Exports of other tools that no format here reads: what to do instead.
NOT_READ = {
    "labelstudio-csv": ("a Label Studio CSV or TSV export", "export JSON (or JSON_MIN) from "
                        "Label Studio and choose the format 'labelstudio' (or "
                        "'labelstudio-min')"),
    "conll": ("a CoNLL file (tokens and BIO tags, without character offsets)", "import the "
              "tool's JSON export instead, which keeps the offsets"),
}


def _first_value(text: str):
    """The first JSON value of a JSON Lines text, or of a JSON array's first element."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            rest = stripped[1:].lstrip()
            return decoder.raw_decode(rest)[0] if rest else None
        return decoder.raw_decode(stripped)[0]
    except (json.JSONDecodeError, RecursionError):
        return None


def _is_span_list(value) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(x, dict) and "start" in x and "labels" in x for x in value)


def _triples(value) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(x, list) and len(x) == 3 and isinstance(x[2], str) for x in value)


def sniff_content(head: bytes) -> str | None:
    """A format name when the bytes clearly look like one, else None."""
    # the head may end inside a character: ignore what does not decode
    text = head.decode("utf-8", errors="ignore").removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        return None
    if stripped[0] not in "[{":
        first = stripped.split("\n", 1)[0]
        columns = set(re.split(r"[,\t]", first.strip().replace('"', "")))
        if {"annotation_id", "annotator"} <= columns:
            return "labelstudio-csv"
        if first.startswith("-DOCSTART-"):
            return "conll"
        # Plain text is no other tool's export: a reader that wanted JSON lists each line
        # that is not, which says more than one "choose txt" would.
        return None
    value = _first_value(text)
    array = stripped.startswith("[")
    if value is None:   # a first item longer than the head: look for the keys instead
        if array and re.search(r'"data"\s*:\s*\{', stripped):
            return "labelstudio"   # the one list of tasks with a "data" object
        return None
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("data"), dict) and ("annotations" in value or "predictions" in value):
        return "labelstudio"
    if array and ("annotator" in value or "annotation_id" in value
                  or any(_is_span_list(v) for v in value.values())):
        return "labelstudio-min"
    if array:
        return None
    # Ours first: our lines carry "entities" too (source entities, issue #16), and always
    # "spans" and "text_sha256", which doccano's never do.
    if isinstance(value.get("spans"), list) or isinstance(value.get("attributions"), list) \
            or "text_sha256" in value:
        return "jsonl"
    if isinstance(value.get("entities"), list) or "relations" in value or \
            _triples(value.get("label")) or _triples(value.get("labels")):
        return "doccano"
    return None


def sniff_zip(names: list[str], first_data: bytes | None) -> str | None:
    """A zip: by its file names, and the head of its first .jsonl/.json file."""
    files = [n for n in names if not n.endswith("/") and not n.rsplit("/", 1)[-1]
             .startswith(".") and not n.startswith("__MACOSX/")]
    if any(n.endswith(".ann") for n in files):
        return "brat"
    if first_data is not None:
        return sniff_content(first_data)
    if files and all(n.lower().endswith(".txt") for n in files):
        return "txt"
    return None


def refusal(chosen: str, sniffed: str | None, also_reads=()) -> str | None:
    """The error for a file chosen as one format that looks like another, or None.

    `also_reads`: what else the chosen format's reader reads correctly (its Format's, in
    formats/registry.py)."""
    if sniffed is None or sniffed == chosen or sniffed in also_reads:
        return None
    if sniffed in NOT_READ:
        looks, instead = NOT_READ[sniffed]
        return f"this looks like {looks}, which is not imported here: {instead}."
    return f"this looks like {LOOKS[sniffed]}: choose the format '{sniffed}'."
