"""What a Python client spends parsing a response body: json.loads of the bytes as served,
and of the same JSON with characters beyond U+FFFF, or beyond ASCII, escaped.

    .venv/bin/python bench/client_parse.py body.json            # a body saved with curl
    .venv/bin/python bench/client_parse.py body.json --rounds 60

Each call parses a fresh copy of the bytes (as from a socket), the variants interleaved;
CPU time (time.process_time), min and median. The step from bytes to str is timed apart:
one character beyond U+FFFF anywhere makes that string 4 bytes per character
(docs/benchmarks.md, "The 1 MB fetch"). Every variant is checked to parse to the same value.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

ASTRAL = re.compile(rb"[\xf0-\xf4][\x80-\xbf]{3}")  # a 4-byte UTF-8 sequence


def _pair(match: re.Match) -> bytes:
    code = ord(match.group().decode()) - 0x10000
    return b"\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def variants(body: bytes) -> dict[str, bytes]:
    value = json.loads(body)
    found = {"as served": body, "beyond U+FFFF escaped": ASTRAL.sub(_pair, body),
             "beyond ASCII escaped": json.dumps(value, separators=(",", ":")).encode()}
    for name, data in found.items():
        if json.loads(data) != value:
            raise SystemExit(f"{name}: does not parse to the served value")
    return found


def cpu_ms(data: bytes, step) -> float:
    fresh = bytes(bytearray(data))
    began = time.process_time()
    step(fresh)
    return (time.process_time() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("body", type=Path)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    found = variants(args.body.read_bytes())
    steps = {"json.loads": json.loads, "bytes -> str": lambda data: data.decode("utf-8")}
    times = {(name, step): [] for name in found for step in steps}
    for _ in range(args.rounds):
        for name, data in found.items():
            for step, call in steps.items():
                times[(name, step)].append(cpu_ms(data, call))
    print("| body | bytes | json.loads min / median | bytes -> str min / median |")
    print("| --- | ---: | ---: | ---: |")
    for name, data in found.items():
        parse, decode = times[(name, "json.loads")], times[(name, "bytes -> str")]
        print(f"| {name} | {len(data):,} | {min(parse):.1f} / {statistics.median(parse):.1f} ms"
              f" | {min(decode):.1f} / {statistics.median(decode):.1f} ms |")


if __name__ == "__main__":
    main()
