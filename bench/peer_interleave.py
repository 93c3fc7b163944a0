"""Reads of several servers measured interleaved, so that a loaded machine weighs on each alike.

    python bench/peer_interleave.py --peer-bench ../shared/peer-bench \
        doccano=doccano@http://127.0.0.1:8323 main=ours@http://127.0.0.1:8321 \
        branch=ours@http://127.0.0.1:8322 [branch+nocache=ours@http://127.0.0.1:8324] \
        [--rounds 200] [--out FILE]

With the bench client's Python (httpx; peer-bench's README). The servers are started as
peer-bench's README says, each on its own port and database (ours_server.sh: PORT,
OURS_HOME, PG_DB; doccano_server.sh: PORT, DOCCANO_HOME).

Each server gets api_bench.py's workload (its adapters and phases): 200 documents imported,
5,000 spans (500 on document 0) and 1,000 relations, and the ~1 MiB document with 2,000
spans. Then, round after round, in a shuffled order of servers each round: fetch document 0,
a page of the document list (page_size 20, pages in turn), and every 10th round the 1 MiB
document. A server named NAME+nocache=URL is another server on the same database as NAME
(no workload of its own). Loopback only (api_bench's adapters).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from types import SimpleNamespace

ab = None  # peer-bench's api_bench module, imported by main() from --peer-bench


def workload(tool: str, url: str, args) -> dict:
    ad = ab.ADAPTERS[tool](url, "admin", "benchpass123", task_timeout=120)
    ad.login()
    X = ab.Ctx(args)
    R = {"phases": {}, "checks": {}, "failed": {}}
    X.proj = ad.create_project(f"il-{X.run_tag}", ab.SPAN_LABELS, [ab.REL_TYPE])
    X.doc_ids = ad.import_documents(X.proj, X.texts)
    X.texts_by_doc = dict(zip(X.doc_ids, X.texts))
    ab.phase_b(ad, X, R)
    ab.phase_c(ad, X, R)
    lp = ad.create_project(f"il-{X.run_tag}-long", ab.SPAN_LABELS, [ab.REL_TYPE])
    (lid,) = ad.import_documents(lp, [X.long_doc])
    plan = [(lid, s, e, lab) for (s, e, lab) in ab.plan_spans(X.long_doc, args.long_spans, X.rng)]
    created, errs, _ = ab.run_sequential_spans(ad, lp, plan, {lid: X.long_doc})
    hot = X.doc_ids[0]
    expect = {sid for sid, e in X.created.items() if e["doc"] == hot}
    return {"ad": ad, "proj": X.proj, "hot": hot, "expect": expect, "long_proj": lp,
            "long": lid, "long_spans": len(created), "pages": -(-len(X.doc_ids) // 20),
            "hot_text": X.texts[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("servers", nargs="+")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--out")
    parser.add_argument("--peer-bench", default="../shared/peer-bench",
                        help="the folder of api_bench.py (its adapters and workload)")
    opts = parser.parse_args()
    global ab
    sys.path.insert(0, opts.peer_bench)
    import api_bench as ab  # noqa: PLC0415
    args = SimpleNamespace(seed=20240611, seed_file="/tmp/seed.txt", docs=200, unique_docs=True,
                           spans=5000, hot_spans=500, relations=1000, long_bytes=1_048_576,
                           long_spans=2000, page_size=20)
    servers = {}
    for spec in opts.servers:
        name, rest = spec.split("=", 1)
        tool, url = rest.split("@", 1)
        servers[name] = (tool, url)
    worlds = {}
    for name, (tool, url) in servers.items():
        if name.endswith("+nocache"):
            continue
        began = time.perf_counter()
        worlds[name] = workload(tool, url, args)
        ab.log(f"{name}: workload in {time.perf_counter() - began:.0f}s")
    for name, (tool, url) in servers.items():
        if name.endswith("+nocache"):
            base = worlds[name.removesuffix("+nocache")]
            ad = ab.ADAPTERS[tool](url, "admin", "benchpass123")
            ad._auth(base["ad"].token)
            worlds[name] = {**base, "ad": ad}
    lat = {name: {"fetch500": [], "list": [], "fetch1mib": []} for name in servers}
    bad = {name: 0 for name in servers}
    rng = random.Random(7)
    for r in range(opts.rounds):
        order = list(servers)
        rng.shuffle(order)
        for name in order:
            w = worlds[name]
            dv, dt = ab.timed(w["ad"].get_document_with_spans, w["proj"], w["hot"])
            lat[name]["fetch500"].append(dt)
            if {s.id for s in dv.spans} != w["expect"] or dv.text != w["hot_text"]:
                bad[name] += 1
            _, dt = ab.timed(w["ad"].list_documents, w["proj"], 1 + r % w["pages"], 20)
            lat[name]["list"].append(dt)
            if r % 10 == 0:
                dv, dt = ab.timed(w["ad"].get_document_with_spans, w["long_proj"], w["long"])
                lat[name]["fetch1mib"].append(dt)
                if len(dv.spans) != w["long_spans"]:
                    bad[name] += 1
    out = {}
    for name in servers:
        out[name] = {op: {"n": len(v), "p50_ms": ab.pct([x * 1000 for x in v], 50),
                          "p95_ms": ab.pct([x * 1000 for x in v], 95)}
                     for op, v in lat[name].items()}
        out[name]["mismatches"] = bad[name]
        print(name, " | ".join(f"{op} p50 {d['p50_ms']:.1f} p95 {d['p95_ms']:.1f} (n={d['n']})"
                               for op, d in out[name].items() if op != "mismatches"),
              "| mismatches", bad[name])
    if opts.out:
        with open(opts.out, "w") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
