"""Pure functions over document text. Offsets are code points, half-open.

A document's text is stored exactly as it came (DESIGN.md, "Offsets"): no NFC,
no line-end change, unless the person importing asks for `normalize` and gets a
report of what moved (formats/textmap.py). The one thing dropped on the way in
is a UTF-8 byte order mark at the very start of a *file*: it says how the bytes
are encoded, it is not part of the text (`decode_file`).
"""
from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from urllib.parse import unquote_to_bytes

from django.core.exceptions import ValidationError

BOM = "\ufeff"
NORMALIZATIONS = ("nfc", "lf")


def decode_file(data: bytes) -> str:
    """A text file's bytes as UTF-8, without a leading byte order mark.

    Raises UnicodeDecodeError. Offsets that a tool counted over the file with
    its BOM (brat does) are moved by the reader that knows it (formats/brat/reading.py).
    """
    return data.decode("utf-8").removeprefix(BOM)


def normalize(raw: str, *, nfc: bool = True, lf: bool = True) -> str:
    """The normalisation an import asks for: NFC and/or `\\n` line ends (CRLF and CR)."""
    if lf:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if nfc:
        raw = unicodedata.normalize("NFC", raw)
    return raw


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_span(text: str, start: int, end: int, quote: str | None = None) -> str:
    """Return text[start:end] if the offsets are valid, else raise ValidationError.

    The errors name the field, so the API can return them as they are.
    """
    check_offsets(len(text), start, end)
    return check_quote(text[start:end], start, end, quote)


def check_offsets(length: int, start: int, end: int) -> None:
    """The checks of check_span that need only the text's length (Document.length):
    a write checks its offsets without reading the text, then its quote against the
    one slice it reads (services/layers.py)."""
    if isinstance(start, bool) or not isinstance(start, int):
        raise ValidationError({"start": "must be an integer."})
    if isinstance(end, bool) or not isinstance(end, int):
        raise ValidationError({"end": "must be an integer."})
    if start < 0:
        raise ValidationError({"start": f"must be 0 or more, got {start}."})
    if end <= start:
        raise ValidationError({"end": f"must be greater than start ({start}), got {end}."})
    if end > length:
        raise ValidationError(
            {"end": f"is past the end of the text ({length} code points), got {end}."})


def check_quote(covered: str, start: int, end: int, quote: str | None = None) -> str:
    """covered (text[start:end]) if quote is None or equal to it, else ValidationError."""
    if quote is not None and quote != covered:
        raise ValidationError(
            {"quote": f"does not match the text at [{start}, {end}): expected {covered!r}."})
    return covered


# --- What comes in: valid Unicode and finite numbers ----------------------------------------
# The one place that decides whether incoming data may be stored (docs/decisions.md, "No
# input breaks a project"). A lone surrogate (U+D800-U+DFFF; Python keeps it, JSON's
# "\udc80" escape makes it) is refused by PostgreSQL and by UTF-8 itself, but SQLite stores
# it inside JSON columns, and every read and export of it then fails. NaN and Infinity are
# not JSON: orjson writes them as null, PostgreSQL's jsonb refuses them. The API's parsers,
# the form checks, the import and the admin all ask input_problems().

MAX_PROBLEMS = 20  # enough to fix a body or a line; past that, more of the same


def lone_surrogate(value: str) -> int | None:
    """The index of the first lone surrogate in value, or None (a valid Unicode string).

    Every surrogate in a Python str is lone: json.loads joins escaped pairs into one
    code point, and decoding UTF-8 strictly never yields one."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _surrogate_reason(value: str, index: int) -> str:
    return f"contains a lone surrogate U+{ord(value[index]):04X} (code point {index})."


def _key_in_path(key: str) -> str:
    """A key as it can appear in an error message: lone surrogates written as \\udc80."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _KeyProblem:
    """A bad key, waiting on input_problems' stack to be reported in the input's order."""

    def __init__(self, reason: str):
        self.reason = reason


def input_problems(value, path: str = "", *, limit: int = MAX_PROBLEMS,
                   root: str = "non_field_errors") -> list[tuple[str, str]]:
    """(field path, reason) for each lone surrogate in a string or key, and each NaN or
    infinite number, in a decoded JSON value (dicts, lists, strings, numbers).

    Paths read like the input: `metadata.author`, `spans[3].label`; a bad key is named
    with its surrogate escaped (`metadata.a\\udc80`), so that the error can be written
    out; a bad value that is not inside anything is named `root`. No recursion, so any
    nesting the JSON decoder accepted can be walked.
    """
    if _surely_clean(value):
        return []
    problems: list[tuple[str, str]] = []
    stack = [(path, value)]
    while stack and len(problems) < limit:
        where, item = stack.pop()
        if isinstance(item, str):
            index = lone_surrogate(item)
            if index is not None:
                problems.append((where or root, _surrogate_reason(item, index)))
        elif isinstance(item, float) and not math.isfinite(item):
            name = "NaN" if math.isnan(item) else ("-Infinity" if item < 0 else "Infinity")
            problems.append((where or root, f"is {name}: only finite numbers are allowed."))
        elif isinstance(item, _KeyProblem):
            problems.append((where, item.reason))
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                key_text = key if isinstance(key, str) else str(key)
                inner = _join(where, _key_in_path(key_text))
                index = lone_surrogate(key_text)
                children.append((inner, child) if index is None else
                                (inner, _KeyProblem("the key " +
                                                    _surrogate_reason(key_text, index))))
            stack.extend(reversed(children))  # reported in the input's order
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed([(f"{where}[{i}]", child) for i, child in enumerate(item)]))
    return problems


def _surely_clean(value) -> bool:
    """True when value holds no lone surrogate and no NaN or infinity: the encoder (in C)
    refuses both, so a body of 10,000 spans is checked at once instead of value by value;
    the walk of input_problems then runs only for a body that has something to report
    (or that the encoder cannot write at all, or nests too deep for it)."""
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError, UnicodeEncodeError, RecursionError):
        return False
    return True


def check_input(value, path: str = "") -> None:
    """Raise ValidationError({path: [reason]}) if input_problems() finds anything."""
    problems = input_problems(value, path)
    if problems:
        errors: dict[str, list[str]] = {}
        for where, reason in problems:
            errors.setdefault(where, []).append(reason)
        raise ValidationError(errors)


def not_utf8(data: bytes) -> str | None:
    """Why data is not valid UTF-8 ("byte 12: 0xff"), or None if it is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"byte {exc.start}: 0x{data[exc.start]:02x}"
    return None


def decode_form(raw: bytes) -> list[tuple[str, str]]:
    """An application/x-www-form-urlencoded body or query string → (name, value) pairs,
    decoded strictly: a name or value that is not UTF-8 once unquoted is a ValidationError
    naming it (Django's own decoder puts U+FFFD in place of bad bytes, silently)."""
    pairs = []
    for piece in raw.split(b"&"):
        if not piece:
            continue
        name, value = (unquote_to_bytes(part.replace(b"+", b" "))
                       for part in piece.partition(b"=")[::2])
        bad = not_utf8(name)
        if bad:
            raise ValidationError({"non_field_errors": f"a field name is not valid UTF-8 "
                                                       f"({bad})."})
        name_text = name.decode("utf-8")
        bad = not_utf8(value)
        if bad:
            raise ValidationError({name_text or "non_field_errors":
                                   f"is not valid UTF-8 ({bad})."})
        pairs.append((name_text, value.decode("utf-8")))
    return pairs
