#!/usr/bin/env bash
# Issue #17 point 6: the browser side by side with doccano (../shared/peer-bench/browser_bench.py):
# two alternating pairs, doccano, ours, doccano, ours, SQLite, both 2 gunicorn processes x 4 gthread
# threads, one tool running at a time; `uptime` before and after each run.
#
#   bash bench/peer_browser_run.sh [NAME]          # from the project root; NAME tags the results
#
# Needs what docs/benchmarks.md "Side by side with doccano" sets up: PB (default /tmp/pb, a copy of
# ../shared/peer-bench with its doccano_server.sh), doccano's venv (`bash doccano_server.sh setup`),
# ours' clone /tmp/ours-bench and its venv (`bash ours_server.sh setup`), /tmp/seed.txt and
# /tmp/anchors/bench-venv (httpx). PY: a Python with Playwright (the project's .venv); Chromium
# /usr/bin/chromium.
#
# bench/peer_browser_bench.patch is applied to PB/browser_bench.py once (its OursDriver docstring
# says what it changes and why). The documents (15 KB with 500 spans, 1 MiB with 2,000) are made
# once per tool by browser_setup.py (/tmp/anchors/browser-<tool>-state.json) and kept: each run
# deletes the spans its labelling made. A newer clone of ours: `rm -rf /tmp/ours-bench && git clone
# -q <project> /tmp/ours-bench`; this script runs `ours_server.sh setup` (migrate, collectstatic).
# Results: PB/results/browser-<tool>-NAME-r<N>.{json,log,load.txt}; the table at the end
# (bench/peer_browser_table.py).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PB=${PB:-/tmp/pb}
PY=${PY:-$HERE/../.venv/bin/python}
NAME=${1:-sqlite}
RUNS=${RUNS:-3}
ACTIONS=${ACTIONS:-10}
cd "$PB" || exit 1
mkdir -p results
grep -q "peer_browser_bench.patch" browser_bench.py || patch browser_bench.py < "$HERE/peer_browser_bench.patch" || exit 1
# collectstatic skips a file whose copy is newer than its source: a fresh copy of the clone's
rm -rf "${OURS_HOME:-/tmp/anchors/ours-home-sqlite}/static"
bash ours_server.sh setup > results/browser-setup-ours.log 2>&1 || { echo "ours setup failed"; exit 1; }

start() {  # tool
  if [ "$1" = doccano ]; then WORKERS=2 THREADS=4 bash doccano_server.sh start; else WORKERS=2 THREADS=4 bash ours_server.sh start; fi
}
stop() { if [ "$1" = doccano ]; then bash doccano_server.sh stop; else bash ours_server.sh stop; fi; }
url() { if [ "$1" = doccano ]; then echo http://127.0.0.1:8000; else echo http://127.0.0.1:8300; fi; }

for n in 1 2; do
  for tool in doccano ours; do
    start "$tool" || exit 1
    state=/tmp/anchors/browser-$tool-state.json
    if [ ! -f "$state" ]; then
      /tmp/anchors/bench-venv/bin/python browser_setup.py --tool "$tool" --base-url "$(url "$tool")" --state "$state" \
          > "results/browser-setup-$tool.log" 2>&1 || { echo "setup of $tool's documents failed"; stop "$tool"; exit 1; }
    fi
    name=browser-$tool-$NAME-r$n
    echo "before: $(date -u +%FT%TZ) $(uptime)" > "results/$name.load.txt"
    "$PY" browser_bench.py --tool "$tool" --base-url "$(url "$tool")" --state "$state" --runs "$RUNS" \
        --actions "$ACTIONS" --docs A,B --out "results/$name.json" > "results/$name.log" 2>&1
    echo "after:  $(date -u +%FT%TZ) $(uptime)" >> "results/$name.load.txt"
    grep '^\[' "results/$name.log"
    cat "results/$name.load.txt"
    stop "$tool"
  done
done
"$PY" "$HERE/peer_browser_table.py" --doccano "results/browser-doccano-$NAME-r1.json,results/browser-doccano-$NAME-r2.json" \
    --ours "results/browser-ours-$NAME-r1.json,results/browser-ours-$NAME-r2.json"
