#!/usr/bin/env bash
# A/B of the read path through the .NET client at concurrency 1, 100 and 1,000: BEFORE (a commit) against AFTER (this
# working tree), alternating rounds over one data directory, each round on a freshly started silo after a warm-up,
# so both builds see the same data and, as far as a shared machine allows, the same conditions.
# Usage: bench/serving-ab.sh <before-commit> [rounds=2]   → tables on stdout, JSON per run in $OUT.
#   SCENARIOS=predict LEVELS=1000 bench/serving-ab.sh <commit> 4   → only those runs (shorter rounds, so more of them).
#   WARMUP=2 bench/serving-ab.sh <commit>   → unmeasured seconds before each run, the same for both builds (default 5).
#   VIA=http bench/serving-ab.sh <commit>   → the measured runs through the REST API instead of the .NET client.
# The data (10,000 users × 2,000 items, 2 × 500k synthetic ratings, one retrain) is built on first use in $OUT/data.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:?usage: bench/serving-ab.sh <before-commit> [rounds]}
ROUNDS=${2:-2}
OUT=${OUT:-/tmp/onlinerec-serving-ab}
SCENARIOS=${SCENARIOS:-predict,recommend}
LEVELS=${LEVELS:-1,100,1000}
WARMUP=${WARMUP:-5}
VIA=${VIA:-client}
mkdir -p "$OUT"
source bench/ab-common.sh
build_before_and_after "$BEFORE"

if [[ ! -d "$OUT/data" ]]; then
  start_silo after "$OUT/data"
  loadgen after --scenario ingest --via http -c 16 $P >/dev/null
  loadgen after --scenario ingest --via http -c 16 --seed 99 $P >/dev/null
  dotnet "$OUT/after/client/onlinerec.dll" retrain --wait --url http://127.0.0.1:5411 >/dev/null
  stop_silo
fi

for round in $(seq "$ROUNDS"); do
  for side in before after; do
    start_silo "$side" "$OUT/data"
    loadgen "$side" --scenario predict,recommend --via client -c 500 --duration 8 --warmup 0 $P >/dev/null   # activates the users
    echo "$side, round $round (load average $(cut -d' ' -f1 /proc/loadavg))"
    loadgen "$side" --scenario "$SCENARIOS" --via "$VIA" -c "$LEVELS" --warmup "$WARMUP" $P --json "$OUT/$side-$round.json" | grep -E "^│ (predict|recommend)"
    stop_silo
  done
done
