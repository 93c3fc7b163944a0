"""Benchmark import and export: seconds, spans/s and peak memory.

    .venv/bin/python bench/formats_bench.py               # all three cases
    .venv/bin/python bench/formats_bench.py --case small  # 5,000 spans + 1,000 attributions
    .venv/bin/python bench/formats_bench.py --case large  # 100,000 spans, peak memory
    .venv/bin/python bench/formats_bench.py --case import # 1,000 documents

Each case runs in a fresh subprocess on a throwaway SQLite database (or
DATABASE_URL), so that peak memory (tracemalloc, and the process's max RSS)
is that of the case alone. Spans are made in bulk, as an annotator's accepted
and reviewer-approved labels, over articles built from the seed article's
paragraphs, 100 spans and 20 attributions per document (a claim in fragments
among them). Export writes the zip each format gives (JSON Lines, brat,
CoNLL, CSV); the time includes reading the database. Import reads our own
JSON Lines export back into a new project.

The target (issue #7): the first case at least 10 times faster than 3.0 s,
the best-known open peer's figure on the same kind of machine; the second
with peak memory growing by less than 100 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_SECONDS = 3.0
SPANS_PER_DOC = 100
ATTRIBUTIONS_PER_DOC = 20


def setup_django(tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATA_DIR", tmp)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def article(index: int) -> str:
    seed = (ROOT / "seeds" / "000_02d45cab8d670c28.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in seed.split("\n\n") if len(p) > 200]
    # A unique head, so that no two documents have the same text.
    return f"Report {index}.\n\n" + "\n\n".join(paragraphs[(index + k) % len(paragraphs)]
                                               for k in range(8))


def make_project(documents: int, name: str):
    """documents × (SPANS_PER_DOC spans, ATTRIBUTIONS_PER_DOC attributions), approved."""
    from django.contrib.auth import get_user_model

    from annotator.models import (Attribution, ClaimFragment, Document, Label, LabelStatus,
                                  Span, attribution_dedup_key)
    from annotator.services.projects import membership_set, project_create
    from annotator import text as text_mod

    user, _ = get_user_model().objects.get_or_create(username=f"bench-{name}")
    project = project_create(name=f"bench {name} {time.time()}")
    membership_set(project=project, user=user, role="admin")
    labels = {label.name: label for label in Label.objects.filter(project=project)}
    docs = Document.objects.bulk_create([
        Document(project=project, title=f"D{i}", text=(t := article(i)), length=len(t),
                 text_sha256=text_mod.sha256(t)) for i in range(documents)])
    for start in range(0, len(docs), 50):
        chunk = docs[start:start + 50]
        spans = []
        for document in chunk:
            words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+",
                                                                              document.text)]
            for k in range(SPANS_PER_DOC):
                role = ("CLAIM", "SOURCE", "CUE", "CLAIM", "CLAIM")[k % 5]
                a = words[k]                      # articles have well over 102 words
                b = words[k + (2 if role == "CLAIM" else 0)]
                spans.append(Span(document=document, annotator=user, label=labels[role],
                                  start=a[0], end=b[1], quote=document.text[a[0]:b[1]],
                                  status=LabelStatus.ACCEPTED, review_state="approved"))
        made = Span.objects.bulk_create(spans, ignore_conflicts=False)
        attributions, fragments = [], []
        for index, document in enumerate(chunk):
            own = made[index * SPANS_PER_DOC:(index + 1) * SPANS_PER_DOC]
            for k in range(ATTRIBUTIONS_PER_DOC):
                group = own[k * 5:(k + 1) * 5]     # CLAIM, SOURCE, CUE, CLAIM, CLAIM
                fragment = group[3] if k % 4 == 0 else None
                claims = [group[0].pk, *([fragment.pk] if fragment else [])]
                attributions.append(Attribution(
                    document=document, annotator=user, claim=group[0], source=group[1],
                    cue=group[2], attributes={"quote_type": "direct"},
                    dedup_key=attribution_dedup_key(claims, group[1].pk, group[2].pk),
                    status=LabelStatus.ACCEPTED, review_state="approved"))
                fragments.append(fragment)
        stored = Attribution.objects.bulk_create(attributions)
        ClaimFragment.objects.bulk_create([ClaimFragment(attribution=a, span=f, position=1)
                                           for a, f in zip(stored, fragments) if f])
    return project, user


def export_once(project, fmt: str) -> dict:
    from annotator.formats.archive import ZipBundle
    from annotator.services.exports import Layer, project_export

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.zip"
        started = time.perf_counter()
        with ZipBundle(path) as bundle:
            manifest = project_export(project=project, fmt=fmt, layer=Layer("approved"),
                                      bundle=bundle)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    return {"seconds": seconds, "spans": manifest["counts"]["spans"],
            "attributions": manifest["counts"]["attributions"], "zip_bytes": size}


def max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_small() -> dict:
    project, _ = make_project(50, "small")          # 5,000 spans, 1,000 attributions
    results = {}
    for fmt in ("jsonl", "brat", "conll", "csv"):
        runs = [export_once(project, fmt) for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        results[fmt] = {**best, "spans_per_s": round(best["spans"] / best["seconds"]),
                        "times_faster_than_peer": round(PEER_SECONDS / best["seconds"], 1)}
    return results


def case_large() -> dict:
    import gc
    import tracemalloc

    project, _ = make_project(1000, "large")        # 100,000 spans
    gc.collect()
    rss_before = max_rss_mb()
    timed = export_once(project, "jsonl")           # speed and RSS, untraced
    rss_growth = max_rss_mb() - rss_before
    tracemalloc.start()                             # Python's own peak (slows the run down)
    base = tracemalloc.get_traced_memory()[0]
    export_once(project, "jsonl")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"jsonl": {**timed, "spans_per_s": round(timed["spans"] / timed["seconds"]),
                      "peak_python_mb": round((peak - base) / 2**20, 1),
                      "max_rss_growth_mb": round(rss_growth, 1)}}


def case_import() -> dict:
    import io

    from django.contrib.auth import get_user_model

    from annotator.formats.archive import ZipBundle
    from annotator.services.exports import Layer, project_export
    from annotator.services.imports import import_file
    from annotator.services.projects import membership_set, project_create

    source, user = make_project(1000, "import-src")
    buffer = io.BytesIO()
    with ZipBundle(buffer) as bundle:
        project_export(project=source, fmt="jsonl", layer=Layer("approved"), bundle=bundle)
    target = project_create(name=f"bench import target {time.time()}")
    membership_set(project=target, user=user, role="admin")
    buffer.seek(0)
    started = time.perf_counter()
    report = import_file(project=target, user=user, stream=buffer, file_name="bench.zip",
                         fmt="jsonl")
    seconds = time.perf_counter() - started
    again_started = time.perf_counter()
    buffer.seek(0)
    again = import_file(project=target, user=user, stream=buffer, file_name="bench.zip",
                        fmt="jsonl")
    return {"jsonl": {"seconds": round(seconds, 3), "documents": report.created,
                      "spans": report.spans, "attributions": report.attributions,
                      "documents_per_s": round(report.created / seconds),
                      "spans_per_s": round(report.spans / seconds),
                      "same_file_again_seconds": round(time.perf_counter() - again_started, 3),
                      "same_file_again_created": again.created}}


CASES = {"small": case_small, "large": case_large, "import": case_import}


def run_case(name: str) -> dict:
    """In a subprocess, with its own database: memory figures are the case's alone."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATA_DIR": tmp}
        done = subprocess.run([sys.executable, __file__, "--child", name], env=env,
                              capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"case {name} failed")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            setup_django(os.environ.get("DATA_DIR", tmp))
            print(json.dumps(CASES[args.child]()))
        return
    import platform

    print(f"python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, database: {os.environ.get('DATABASE_URL', 'SQLite')}")
    for name in (CASES if args.case == "all" else [args.case]):
        result = run_case(name)
        for fmt, figures in result.items():
            print(f"{name:7} {fmt:6} " + "  ".join(f"{k}={v if not isinstance(v, float) else round(v, 3)}"
                                                    for k, v in figures.items()))


if __name__ == "__main__":
    main()
