"""Benchmark the pre-taggers: documents/s, words/s and memory per worker process.

    .venv/bin/python bench/pretag_bench.py                  # 300 articles, one process
    .venv/bin/python bench/pretag_bench.py --workers 4      # four processes side by side
    .venv/bin/python bench/pretag_bench.py --words 750 --docs 1000 --tagger rules-attribution
    .venv/bin/python bench/pretag_bench.py --model /path/to/model   # both taggers, one by one

The articles are built from the seed article and the gold texts (tests/gold/):
their paragraphs, shuffled with a fixed seed, are joined until an article has
about --words words, so the mix of quotes, reporting verbs and plain prose is
that of the news text the tagger is meant for. Each document goes through
`annotator.pretag.pretag_text` and `result_to_record` (what the Celery job and
`pretag_jsonl` do per document, minus the database or the file). No Django
settings are needed. The target (issues #6 and #14) is 20 articles of about 750
words per second per worker, and for learned-attribution a peak memory of at most
300 MB per worker and a model of at most 50 MB (both printed).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.pretag import get_tagger, pretag_text, result_to_record  # noqa: E402

TARGET_DOCS_PER_SECOND = 20
TARGET_MEMORY_MB = 300
TARGET_MODEL_MB = 50


def paragraphs() -> list[str]:
    texts = [(ROOT / "seeds" / "000_02d45cab8d670c28.txt").read_text(encoding="utf-8")]
    for path in sorted((ROOT / "tests" / "gold").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in
                  path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [p.strip() for text in texts for p in text.split("\n\n") if p.strip()]


def articles(count: int, words: int, seed: int = 7) -> list[str]:
    """`count` articles of about `words` words each, from shuffled gold paragraphs."""
    pool = paragraphs()
    rng = random.Random(seed)
    built = []
    for _ in range(count):
        parts, total = [], 0
        while total < words:
            paragraph = rng.choice(pool)
            parts.append(paragraph)
            total += len(paragraph.split())
        built.append("\n\n".join(parts))
    return built


def run(args: tuple[str | None, str | None, list[str]]) -> dict:
    """Tag the documents in this process; returns timings and the peak memory."""
    tagger_name, model, documents = args
    tagger = get_tagger(tagger_name, model=model)
    for text in documents[:5]:                  # warm up: imports, regex caches
        pretag_text(tagger, text)
    times, spans = [], 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for number, text in enumerate(documents):
        t0 = time.perf_counter()
        record = result_to_record(number, text, pretag_text(tagger, text))
        times.append(time.perf_counter() - t0)
        spans += len(record["spans"])
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"elapsed": elapsed, "cpu": cpu, "times": times, "spans": spans,
            "words": sum(len(t.split()) for t in documents), "docs": len(documents),
            "tagger": f"{tagger.name} {tagger.version}",
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=300, help="articles per worker")
    parser.add_argument("--words", type=int, default=750, help="words per article")
    parser.add_argument("--workers", type=int, default=1, help="processes side by side")
    parser.add_argument("--tagger", default=None,
                        help="tagger name (default: the built-in one, and learned-attribution "
                             "too when --model is given)")
    parser.add_argument("--model", default=None, help="a learned-attribution model directory")
    args = parser.parse_args()

    documents = articles(args.docs, args.words)
    if args.tagger:
        taggers = [(args.tagger, args.model)]
    else:
        taggers = [("rules-attribution", None)]
        if args.model:
            taggers.append(("learned-attribution", args.model))
    for name, model in taggers:
        bench(name, model, documents, args)
        if model:
            size = sum(p.stat().st_size for p in Path(model).iterdir()) / 1e6
            verdict = "meets" if size <= TARGET_MODEL_MB else "MISSES"
            print(f"model {model}: {size:.1f} MB ({verdict} the target of {TARGET_MODEL_MB} MB)")
    return 0


def bench(name: str, model: str | None, documents: list[str], args) -> None:
    jobs = [(name, model, documents)] * args.workers
    # Each run in a fresh process, so that peak memory is the tagger's own.
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        results = pool.map(run, jobs)

    print(f"{results[0]['tagger']} on {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()}, {args.workers} worker(s)")
    print(f"{args.docs} articles per worker, {results[0]['words'] / args.docs:.0f} words each "
          f"on average")
    for index, result in enumerate(results, start=1):
        docs_per_s = result["docs"] / result["elapsed"]
        words_per_s = result["words"] / result["elapsed"]
        times = sorted(result["times"])
        p95 = times[int(0.95 * (len(times) - 1))]
        verdict = "meets" if docs_per_s >= TARGET_DOCS_PER_SECOND else "MISSES"
        print(f"worker {index}: {docs_per_s:7.1f} documents/s  {words_per_s:9.0f} words/s  "
              f"median {statistics.median(times) * 1000:5.1f} ms  p95 {p95 * 1000:5.1f} ms  "
              f"({result['spans'] / result['docs']:.0f} spans/doc; {verdict} the target of "
              f"{TARGET_DOCS_PER_SECOND} documents/s)")
        # CPU time: what the worker would do with a core to itself (the wall-clock figure
        # drops when other processes share the machine).
        print(f"          {result['docs'] / result['cpu']:7.1f} documents/s  "
              f"{result['words'] / result['cpu']:9.0f} words/s  per CPU second")
        verdict = "meets" if result["peak_mb"] <= TARGET_MEMORY_MB else "MISSES"
        print(f"          peak memory {result['peak_mb']:.0f} MB ({verdict} the target of "
              f"{TARGET_MEMORY_MB} MB)")


if __name__ == "__main__":
    sys.exit(main())
