#!/usr/bin/env bash
# A/B of sustained ingestion over HTTP: BEFORE (a commit) against AFTER (this working tree), alternating rounds, each
# round a fresh silo on a fresh data directory fed four runs of 500k synthetic ratings (10,000 users × 2,000 items,
# 16 batches of 5,000 in flight). Run 1 activates the users; runs 2–4 are the steady state the learned/s target
# (BENCHMARKS.md) is about. Prints "acked/s / learned/s, silo CPU µs per rating" per run (the silo's user+system
# time from /proc over the run, drain and learned-probe included).
# Usage: bench/ingest-ab.sh <before-commit> [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:?usage: bench/ingest-ab.sh <before-commit> [rounds]}
ROUNDS=${2:-2}
OUT=${OUT:-/tmp/onlinerec-ingest-ab}
RATINGS=500000 # per run; also the divisor of the CPU figure
mkdir -p "$OUT"
source bench/ab-common.sh
build_before_and_after "$BEFORE"

for round in $(seq "$ROUNDS"); do
  for side in before after; do
    rm -rf "$OUT/data"
    start_silo "$side" "$OUT/data"
    line="$side, round $round (load average $(cut -d' ' -f1 /proc/loadavg)):"
    for seed in 1 99 7 13; do
      ticks0=$(awk '{print $14 + $15}' "/proc/$silo/stat")
      rates=$(loadgen "$side" --scenario ingest --via http -c 16 --ratings "$RATINGS" --seed "$seed" $P \
        --json "$OUT/$side-$round-$seed.json" | sed 's/\x1b\[[0-9;]*m//g' | grep -E "ratings, acked" \
        | sed -E 's/.*acked ([0-9,]+)\/s.*learned ([0-9,]+)\/s.*/\1 \/ \2/')
      ticks1=$(awk '{print $14 + $15}' "/proc/$silo/stat")
      us=$(( (ticks1 - ticks0) * 1000000 / $(getconf CLK_TCK) / RATINGS ))
      line="$line  $rates, ${us} µs"
    done
    echo "$line"
    stop_silo
  done
done
