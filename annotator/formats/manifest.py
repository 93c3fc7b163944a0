"""manifest.json: what an export holds, how it was made, and a SHA-256 per file.

    {"format": "jsonl", "created_at": "2026-…Z", "tool": "claim-annotator",
     "project": {"id": 1, "name": "…"},
     "filters": {"layer": "approved"},
     "offsets": "Unicode code points, half-open [start, end)",
     "counts": {"documents": 1, "spans": 20, "attributions": 7, "lost": 0},
     "label_set": [{"name": "CLAIM", "color": "#c2410c", "description": "…"}, …],
     "attribute_definitions": […],
     "files": [{"name": "data.jsonl", "sha256": "…", "bytes": 123}, …],
     "lossy": null | "what this format leaves out"}

manifest.json itself is not in "files" (it cannot hold its own checksum).
"""
from __future__ import annotations

import json

FORMAT_VERSION = 1
OFFSETS = "Unicode code points, half-open [start, end), exactly Python's text[start:end]"


def build(*, fmt: str, created_at: str, project: dict, filters: dict, counts: dict,
          label_set: list[dict], attribute_definitions: list[dict], files: list[dict],
          lossy: str | None = None) -> dict:
    return {"format": fmt, "manifest_version": FORMAT_VERSION, "created_at": created_at,
            "tool": "claim-annotator", "project": project, "filters": filters,
            "offsets": OFFSETS, "counts": counts, "label_set": label_set,
            "attribute_definitions": attribute_definitions, "files": files, "lossy": lossy}


def dumps(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def loads(data: str | bytes) -> dict:
    manifest = json.loads(data)
    if not isinstance(manifest, dict) or "files" not in manifest:
        raise ValueError("not a manifest: no \"files\".")
    return manifest
