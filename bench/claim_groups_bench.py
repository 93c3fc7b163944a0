"""Benchmark the near-duplicate grouping of claims (issue #16, point 4) at the target size.

    nice -n 10 .venv/bin/python bench/claim_groups_bench.py               # 200,000 claims
    .venv/bin/python bench/claim_groups_bench.py --claims 20000           # a check in seconds
    .venv/bin/python bench/claim_groups_bench.py --changed 200            # also an incremental run

The claims are generated here (no corpus is read): --quotes distinct quotes of 6 to 30
words over a vocabulary of 6,000 made-up words drawn with a Zipf-like skew, half of them
starting with one of 40 common openings ("we will not", "the government has", ...) so that
different claims share words and shingles as real quotes do. A share of the claims
(--share, 0.3) are copies of an earlier quote as another outlet reports it: the same words
with up to three small edits (case, straight or curly quotes, dashes, a word replaced,
dropped or added, the first or last word cut, ", he said" added); the rest are quotes said
once. The truth is which quote each claim copies.

It times annotator/near_duplicates.py's `group` from the raw texts (normalising,
shingling, MinHash signatures, LSH bands, the exact check, the components), which is what
`manage.py claim_groups_rebuild` and a worker's first run do besides reading and writing
rows, and prints the seconds of each phase, then the precision and recall of the pairs of
claims put in one group, against the truth (pairs, since a group is the set of its pairs).
With --changed N it also times `regroup` after N claims changed (what a worker's run does
after a review session). Single process: the other core is left to the database.

With --postgres it then does what a worker does, on a PostgreSQL database of its own
(annotator_claims_<pid> on 127.0.0.1:5432, dropped at the end): the claims become approved
attributions of documents of ten claims each (COPY, as bench/explorer_bench.py seeds), the
explorer rows are made, and it times `claim_groups_rebuild` (read the rows, group, write
every member) and an incremental `claim_groups_update` after 1 % of the documents' claims
were withdrawn from the approved layer.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The pure module needs no Django; imported after sys.path names the project.
from annotator import near_duplicates as nd  # noqa: E402

OPENINGS = [f"{a} {b}" for a in ("we will", "the government has", "i do not", "they have",
                                  "this is", "there is no", "our party will", "nobody can")
            for b in ("not", "always", "never", "clearly", "already")]


def vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    letters = "abcdefghijklmnoprstuvwy"
    words = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
                    for _ in range(size * 2)})[:size]
    rng.shuffle(words)
    weights = [1.0 / (rank + 10) for rank in range(len(words))]
    return words, weights


def quote(rng: random.Random, words, weights) -> str:
    n = rng.randint(6, 30)
    body = rng.choices(words, weights=weights, k=n)
    if rng.random() < 0.5:
        body = rng.choice(OPENINGS).split() + body[:max(3, n - 3)]
    text = " ".join(body)
    text = text[0].upper() + text[1:]
    return rng.choice(["“{}”", "{}.", '"{},"', "{}"]).format(text)


def edited(rng: random.Random, text: str, words) -> str:
    """The quote as another outlet prints it: up to three small edits."""
    for _ in range(rng.randint(0, 3)):
        edit = rng.randrange(8)
        tokens = text.split()
        if edit == 0:
            text = text.lower() if rng.random() < 0.5 else text.upper()
        elif edit == 1:
            text = text.replace("“", '"').replace("”", '"') if "“" in text else f"“{text.strip(chr(34))}”"
        elif edit == 2 and len(tokens) > 6:
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
            text = " ".join(tokens)
        elif edit == 3 and len(tokens) > 6:
            del tokens[rng.randrange(len(tokens))]
            text = " ".join(tokens)
        elif edit == 4:
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(words))
            text = " ".join(tokens)
        elif edit == 5 and len(tokens) > 8:
            text = " ".join(tokens[1:] if rng.random() < 0.5 else tokens[:-1])
        elif edit == 6:
            text = f"{text}, he said"
        else:
            text = text.replace(" ", " — ", 1)
    return text


def generate(count: int, share: float, seed: int) -> tuple[list[str], list[int]]:
    """(texts, truth): truth[i] is the quote claim i reports."""
    rng = random.Random(seed)
    words, weights = vocabulary(rng)
    originals: list[str] = []
    texts, truth = [], []
    for _ in range(count):
        if originals and rng.random() < share:
            source = rng.randrange(len(originals))
            texts.append(edited(rng, originals[source], words))
        else:
            source = len(originals)
            originals.append(quote(rng, words, weights))
            texts.append(originals[source])
        truth.append(source)
    return texts, truth


def pairs_in(groups) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(groups).values())


def scores(predicted: list[int], truth: list[int]) -> tuple[float, float, int, int]:
    together = pairs_in(zip(predicted, truth))
    found, true = pairs_in(predicted), pairs_in(truth)
    return (together / found if found else 1.0, together / true if true else 1.0, found, true)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--share", type=float, default=0.3,
                        help="the share of claims that copy an earlier quote")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--changed", type=int, default=1000,
                        help="claims changed for the incremental run (0: none)")
    parser.add_argument("--postgres", action="store_true",
                        help="then the same claims through a PostgreSQL database")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    texts, truth = generate(args.claims, args.share, args.seed)
    generated = time.perf_counter() - began
    copies = args.claims - len(set(truth))
    print(f"{args.claims:,} claims generated in {generated:.1f} s: {len(set(truth)):,} quotes, "
          f"{copies:,} copies of one of them ({copies / args.claims:.0%}); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    phases = {}
    began = time.perf_counter()
    claims = [nd.Claim(key, nd.normalise(text)) for key, text in enumerate(texts, start=1)]
    phases["normalise"] = time.perf_counter() - began
    began = time.perf_counter()
    shingled = [nd.shingles(c.normalised) for c in claims]
    phases["shingles"] = time.perf_counter() - began
    began = time.perf_counter()
    for claim, row in zip(claims, nd.signatures(shingled)):
        claim.signature = row
    phases["signatures"] = time.perf_counter() - began
    began = time.perf_counter()
    groups = nd.group(claims)
    phases["bands, check, components"] = time.perf_counter() - began
    total = sum(phases.values())
    predicted = [groups[c.key] for c in claims]
    precision, recall, found, true = scores(predicted, truth)
    print(f"grouped in {total:.1f} s (target 120 s): " + ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in phases.items()))
    print(f"{len(set(predicted)):,} groups, {sum(1 for n in Counter(predicted).values() if n > 1):,} "
          f"of several claims; pairs: precision {precision:.4f}, recall {recall:.4f} "
          f"({found:,} pairs found, {true:,} true)")

    if args.changed:
        rng = random.Random(args.seed + 1)
        changed_keys = set(rng.sample(range(1, len(claims) + 1), args.changed))
        stored = [nd.Stored(c, groups[c.key]) for c in claims if c.key not in changed_keys]
        removed = {groups[k] for k in changed_keys}
        fresh = [nd.Claim(len(claims) + n + 1, nd.normalise(texts[k - 1].lower()))
                 for n, k in enumerate(sorted(changed_keys))]
        began = time.perf_counter()
        moved = nd.regroup(changed=fresh, stored=stored, removed_groups=removed)
        print(f"regroup after {args.changed:,} changed claims: {time.perf_counter() - began:.1f} s, "
              f"{len(moved):,} claims' groups written again")
    if args.postgres:
        postgres(texts)


def postgres(texts: list[str]) -> None:
    """The same claims through the database: seed, rebuild, then an incremental run."""
    # bench/explorer_bench.py's database and COPY helpers; Django is set up only once
    # DATABASE_URL names the database made here.
    sys.path.insert(0, str(ROOT / "bench"))
    from explorer_bench import ADMIN_URL, _copy, _database

    name = f"annotator_claims_{os.getpid()}"
    _database(name, create=True)
    os.environ.update({"DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
                       "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings",
                       "CELERY_BROKER_URL": "memory://"})
    try:
        import django

        django.setup()
        _postgres_run(texts, _copy)
    finally:
        if "django" in sys.modules and sys.modules["django"].apps.apps.ready:
            from django.db import connections  # close before the drop

            connections.close_all()
        _database(name, create=False)


def _postgres_run(texts: list[str], copy) -> None:
    # The app, after django.setup() (see postgres()).
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from annotator.models import Attribution, ClaimGroupMember, Document, ExplorerRow, Span
    from annotator.models import attribution_dedup_key
    from annotator.services.claim_groups import claim_groups_rebuild, claim_groups_update
    from annotator.services.explorer_rows import explorer_rows_rebuild
    from annotator.services.projects import project_create
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0)
    annotator = get_user_model().objects.create_user("bench", password="a-Long-bench-passw0rd")
    project = project_create(name="Claims bench")
    claim_label = project.labels.get(name="CLAIM").pk
    now = timezone.now().isoformat()
    common = {"origin": "human", "status": "accepted", "review_state": "approved",
              "version": 1, "created_at": now, "updated_at": now, "annotator_id": annotator.pk}

    def row(model, **values) -> tuple:
        """The model's columns in order, the defaults where not given."""
        return tuple(values[f.attname] if f.attname in values else f.get_default()
                     for f in model._meta.concrete_fields)

    began = time.perf_counter()
    per_document, span_id, document_ids = 10, 0, []
    with connection.cursor() as cursor:
        for first in range(0, len(texts), 5000):
            docs, spans, attributions = [], [], []
            for d in range(first, min(len(texts), first + 5000), per_document):
                doc_id = d // per_document + 1
                document_ids.append(doc_id)
                parts, places, at = [], [], 0
                for text in texts[d:d + per_document]:
                    places.append((at, at + len(text), text))
                    parts.append(text + " he said. ")
                    at += len(text) + len(" he said. ")
                body = "".join(parts)
                docs.append(row(Document, id=doc_id, project_id=project.pk,
                                title=f"Article {doc_id}", text=body, length=len(body),
                                text_sha256=f"{doc_id:064d}",
                                metadata={"outlet": f"Outlet {doc_id % 20}"},
                                outlet=f"Outlet {doc_id % 20}",
                                published=f"2026-{doc_id % 12 + 1:02d}-01", created_at=now))
                for start, end, text in places:
                    span_id += 1
                    spans.append(row(Span, id=span_id, document_id=doc_id, label_id=claim_label,
                                     start=start, end=end, quote=text, **common))
                    attributions.append(row(
                        Attribution, id=span_id, document_id=doc_id, claim_id=span_id,
                        attributes={}, dedup_key=attribution_dedup_key([span_id], None, None),
                        **common))
            copy(cursor, Document, docs)
            copy(cursor, Span, spans)
            copy(cursor, Attribution, attributions)
        for model in (Document, Span, Attribution):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    print(f"PostgreSQL: {len(texts):,} approved claims in {len(document_ids):,} documents "
          f"seeded in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    rows = explorer_rows_rebuild(project=project)
    print(f"  explorer rows: {rows:,} in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    counts = claim_groups_rebuild(project=project)
    print(f"  claim_groups_rebuild: {counts['claims']:,} claims in {counts['groups']:,} groups, "
          f"{time.perf_counter() - began:.1f} s (read, group, write "
          f"{ClaimGroupMember.objects.count():,} members)")
    withdrawn = random.Random(3).sample(document_ids, max(1, len(document_ids) // 100))
    ExplorerRow.objects.filter(document_id__in=withdrawn).delete()  # as a rejection would
    began = time.perf_counter()
    counts = claim_groups_update(project_id=project.pk)
    print(f"  incremental run after {len(withdrawn):,} documents changed: "
          f"{time.perf_counter() - began:.1f} s ({counts['groups']:,} groups written again)")


if __name__ == "__main__":
    main()
