"""What a file is, from its first bytes: for refusals that say what was uploaded instead
("x.zip is not a zip file: it is JSON Lines"), and to keep JSON out of plain-text imports.

Pure: bytes and str in, words out.
"""
from __future__ import annotations

import json

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
    """Which import format a JSON text is meant for, from its first object's keys."""
    value = None
    for candidate in (text.strip(), text.strip().split("\n", 1)[0]):
        try:
            value = json.loads(candidate)
            break
        except (ValueError, RecursionError):
            continue
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict) and ("entities" in value or "label" in value):
        return "import it with format doccano"
    if isinstance(value, dict) and "text" in value:
        return "import it with format jsonl (one JSON object per line)"
    return "the jsonl format takes one JSON object with a \"text\" per line"


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
