"""The side-by-side browser table (doccano vs ours) from browser_bench.py's result files.

    python bench/peer_browser_table.py --doccano a.json,b.json --ours c.json,d.json

Each cell: the median of the runs' figures (browser_bench.py's summary median of each result
file, in brackets), "ours faster / smaller by" = doccano / ours. Stdlib only.
"""
from __future__ import annotations

import argparse
import json
import statistics

DOCS = {"A": "15 KB, 500 spans", "B": "1 MiB, 2,000 spans"}
# (summary key, heading, unit)
FIGURES = [
    ("load_ms", "open → ready (text on screen drawn with its spans)", "ms"),
    ("first_text_ms", "open → first text drawn", "ms"),
    ("label_total_ms_run_medians", "label → saved span drawn", "ms"),
    ("scroll_bottom_ms", "scroll to the end → last line drawn", "ms"),
    ("heap_load_mb", "JS heap at load", "MB"),
    ("heap_load_gc_mb", "JS heap at load, after a GC", "MB"),
    ("elements_load", "elements at load", ""),
    ("cdp_nodes_load", "DOM nodes at load (CDP)", ""),
]


def medians(paths: list[str], doc: str, key: str) -> list[float]:
    out = []
    for path in paths:
        s = json.load(open(path))["summary"].get(doc, {}).get(key)
        if s:
            out.append(s["median"])
    return out


def cell(values: list[float], unit: str) -> str:
    if not values:
        return "n/a"
    fmt = (lambda v: f"{v:,.0f}") if unit != "MB" else (lambda v: f"{v:.1f}")
    runs = ", ".join(fmt(v) for v in values)
    return f"{fmt(statistics.median(values))} {unit} ({runs})".replace("  ", " ")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--doccano", required=True)
    ap.add_argument("--ours", required=True)
    args = ap.parse_args()
    d_paths, o_paths = args.doccano.split(","), args.ours.split(",")
    print("| document | figure | doccano 1.8.4 | ours | ours faster / smaller by |")
    print("| --- | --- | ---: | ---: | ---: |")
    for doc, title in DOCS.items():
        for n, (key, heading, unit) in enumerate(FIGURES):
            d, o = medians(d_paths, doc, key), medians(o_paths, doc, key)
            ratio = f"{statistics.median(d) / statistics.median(o):.1f}x" if d and o and statistics.median(o) else "n/a"
            print(f"| {title if n == 0 else ''} | {heading} | {cell(d, unit)} | {cell(o, unit)} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
