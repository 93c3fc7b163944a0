"""Plain text: one document per `.txt` file (UTF-8), alone or many in a zip.

The title is the file name without `.txt`; metadata keeps the file name. The
text is kept exactly (line ends and all); a byte order mark at the start is
dropped (text.decode_file: it is not text, and there are no offsets to move).
A file that is not UTF-8, or that is JSON or JSON Lines, is refused, saying
what it is.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from annotator import text as text_mod
from annotator.formats import sniff
from annotator.formats.records import DocumentRecord, Entry


def read_file(name: str, data: bytes) -> Entry:
    try:
        text = text_mod.decode_file(data)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        what = sniff.describe(data[:sniff.HEAD_BYTES])
        kind = "" if what.startswith("binary data") else f": it is {what}"
        return Entry(name, errors=[f"not UTF-8 text{kind} (line {line}, byte {exc.start}: "
                                   f"{exc.reason})."])
    if not text.strip():
        return Entry(name, errors=["the file is empty."])
    # JSON read as plain text would become one document of braces and quotes.
    kind = sniff.json_kind(text)
    if kind:
        return Entry(name, errors=[f"this is {kind}, not plain text: "
                                   f"{sniff.json_format_hint(text)}."])
    stem = name.rsplit("/", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".txt") else stem
    return Entry(name, document=DocumentRecord(text=text, title=stem,
                                               metadata={"file": name}))


def read_collection(names: Iterable[str], load: Callable[[str], bytes]) -> Iterator[Entry]:
    """Every .txt of a zip (sorted by name); hidden files and folders are skipped, any other
    kind of file is an error."""
    for name in sorted(names):
        base = name.rsplit("/", 1)[-1]
        if name.endswith("/") or base.startswith(".") or name.startswith("__MACOSX/"):
            continue
        if not base.lower().endswith(".txt"):
            yield Entry(name, errors=["not a .txt file."])
            continue
        yield read_file(name, load(name))


def write(document: DocumentRecord) -> str:
    return document.text
