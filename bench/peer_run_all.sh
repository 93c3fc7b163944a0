#!/usr/bin/env bash
# Issue #17 point 7: two alternating pairs (doccano, ours, doccano, ours) per database.
#   bash run_all.sh sqlite|postgres
# Both 2 workers x 4 gthread threads; results/<tool>-<db>-r<N>.{json,log,load.txt}.
# After the full workload, the same server takes a 32-client run of phase h alone
# (results/<tool>-<db>-r<N>-c32.*): issue #17 point 4 asks for 8 and 32 clients.
set -uo pipefail
cd "$(dirname "$0")"
db=$1
for n in 1 2; do
  DB=$db bash doccano_server.sh reset > "results/setup-doccano-$db-r$n.log" 2>&1
  DB=$db WORKERS=2 THREADS=4 bash doccano_server.sh start
  bash run_ratio.sh doccano http://127.0.0.1:8000 "doccano-$db-r$n"
  bash run_ratio.sh doccano http://127.0.0.1:8000 "doccano-$db-r$n-c32" --phases h --concurrency 32
  DB=$db bash doccano_server.sh stop
  DB=$db bash ours_server.sh reset > "results/setup-ours-$db-r$n.log" 2>&1
  DB=$db WORKERS=2 THREADS=4 bash ours_server.sh start
  bash run_ratio.sh ours http://127.0.0.1:8300 "ours-$db-r$n"
  bash run_ratio.sh ours http://127.0.0.1:8300 "ours-$db-r$n-c32" --phases h --concurrency 32
  DB=$db bash ours_server.sh stop
done
echo "all done $db $(date -u +%FT%TZ)"
