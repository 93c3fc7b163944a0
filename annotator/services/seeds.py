"""Loading the sample documents in seeds/ into the demo project.

A seed is `NAME.txt` (UTF-8 text, kept exactly; a leading byte order mark is
dropped, text.decode_file) with an optional
`NAME.json` beside it: {"title": ..., "author": ..., "language": ...}.
Every file is checked before anything is written; a bad one names itself and
nothing is stored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from annotator import text as text_mod
from annotator.models import Project
from annotator.services.documents import document_create, document_prepare
from annotator.services.projects import project_create

DEMO_PROJECT_NAME = "Claims and sources (demo)"
DEMO_GUIDELINES = """\
# Claims and sources

Mark **what is claimed** (CLAIM), **who it is attributed to** (SOURCE) and the
**cue** that links them (CUE: *said*, *told*, *according to*, *warned*).
Then link the three into one attribution.

- A claim split by the cue ("The deal is dead," he said, "and nobody will
  revive it.") is one claim in two fragments.
- A claim with no stated source is still a claim: leave the source empty.
- Anonymous sources ("well-informed sources", "officials") are sources too;
  set the source type to *anonymous*.
- Do not include the quotation marks in a direct-quote claim.
"""


class SeedError(Exception):
    """A seed file is unusable. The message starts with the file's path."""


@dataclass
class Seed:
    path: Path
    text: str
    title: str
    metadata: dict = field(default_factory=dict)


def seeds_read(directory: Path) -> list[Seed]:
    """Read and check every seed in directory, raising SeedError at the first bad file."""
    if not directory.is_dir():
        raise SeedError(f"{directory}: not a directory.")
    seeds = []
    for path in sorted(directory.glob("*.json")):
        if not path.with_suffix(".txt").exists():
            raise SeedError(f"{path}: metadata without a text file {path.with_suffix('.txt').name}.")
    for path in sorted(directory.glob("*.txt")):
        raw = path.read_bytes()
        try:
            decoded = text_mod.decode_file(raw)
        except UnicodeDecodeError as exc:
            raise SeedError(f"{path}: not UTF-8 (byte {exc.start}: {exc.reason}).") from None
        if not decoded.strip():
            raise SeedError(f"{path}: the file is empty.")
        metadata = _read_metadata(path.with_suffix(".json"))
        title = metadata.pop("title", None) or decoded.strip().splitlines()[0].strip()
        try:
            title, text = document_prepare(title=title, text=decoded)
        except Exception as exc:  # ValidationError: name the file, keep the reason
            raise SeedError(f"{path}: {_messages(exc)}") from None
        metadata["seed_file"] = path.name
        seeds.append(Seed(path=path, text=text, title=title, metadata=metadata))
    if not seeds:
        raise SeedError(f"{directory}: no .txt seed files.")
    return seeds


def _read_metadata(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SeedError(f"{path}: not UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
                        f"{exc.msg}.") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path}: must hold a JSON object like "
                        '{"title": ..., "author": ..., "language": ...}.')
    for key in ("title", "author", "language", "source_url"):
        if key in data and not isinstance(data[key], str):
            raise SeedError(f"{path}: '{key}' must be a string.")
    problems = text_mod.input_problems(data)  # a "\udc80" or a NaN would break the project
    if problems:
        raise SeedError(f"{path}: " + " ".join(f"{where}: {why}" for where, why in problems))
    return data


def _messages(exc: Exception) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k} {' '.join(v)}" for k, v in exc.message_dict.items())
    return str(exc)


@transaction.atomic
def seeds_load(*, directory: Path) -> tuple[Project, int]:
    """Create the demo project if needed and store every seed once.

    Returns (project, number of documents created). Running it again creates nothing.
    """
    seeds = seeds_read(directory)
    project = Project.objects.filter(name=DEMO_PROJECT_NAME).first()
    if project is None:
        project = project_create(name=DEMO_PROJECT_NAME, guidelines=DEMO_GUIDELINES,
                                 description="A news article to practise attributing claims.")
    created = 0
    for seed in seeds:
        source_url = seed.metadata.pop("source_url", "")
        _, was_created = document_create(project=project, title=seed.title, text=seed.text,
                                         metadata=seed.metadata, source_url=source_url)
        created += was_created
    return project, created
