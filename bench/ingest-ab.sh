#!/usr/bin/env bash
# A/B of sustained ingestion over HTTP: BEFORE (a commit) against AFTER (this working tree), alternating rounds, each
# round a fresh silo on a fresh data directory fed four runs of 500k synthetic ratings (10,000 users × 2,000 items,
# 16 batches of 5,000 in flight). Run 1 activates the users; runs 2–4 are the steady state the ≥ 50,000 learned/s
# target is about. Prints "acked/s / learned/s" per run.
# Usage: bench/ingest-ab.sh <before-commit> [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:?usage: bench/ingest-ab.sh <before-commit> [rounds]}
ROUNDS=${2:-2}
OUT=${OUT:-/tmp/onlinerec-ingest-ab}
PORTS="--silo-port 11411 --gateway-port 30411 --urls http://127.0.0.1:5411"
P="--url http://127.0.0.1:5411 --gateway-port 30411"
mkdir -p "$OUT"

rm -rf "$OUT/src" "$OUT/before" "$OUT/after"
git worktree prune
git worktree add -f "$OUT/src" "$BEFORE" >/dev/null
for side in before after; do
  tree=$([[ $side == before ]] && echo "$OUT/src" || pwd)
  dotnet publish "$tree/silo" -c Release -o "$OUT/$side/silo" -v q -nologo >/dev/null
  dotnet publish "$tree/client" -c Release -o "$OUT/$side/client" -v q -nologo >/dev/null
done
git worktree remove -f "$OUT/src"

silo=""
stop_silo() { [[ -n "$silo" ]] && kill "$silo" 2>/dev/null && wait "$silo" 2>/dev/null || true; silo=""; }
trap stop_silo EXIT

for round in $(seq "$ROUNDS"); do
  for side in before after; do
    rm -rf "$OUT/data"
    dotnet "$OUT/$side/silo/OnlineRec.Silo.dll" --data-dir "$OUT/data" $PORTS --retrain-period 00:00:00 \
      --Logging:LogLevel:Default=Warning > "$OUT/silo-$side.log" 2>&1 &
    silo=$!
    for _ in $(seq 60); do curl -sf http://127.0.0.1:5411/health >/dev/null && break; sleep 1; done
    line="$side, round $round (load average $(cut -d' ' -f1 /proc/loadavg)):"
    for seed in 1 99 7 13; do
      rates=$(dotnet "$OUT/$side/client/onlinerec.dll" load --scenario ingest --via http -c 16 --seed "$seed" $P \
        --json "$OUT/$side-$round-$seed.json" | sed 's/\x1b\[[0-9;]*m//g' | grep -E "ratings, acked" \
        | sed -E 's/.*acked ([0-9,]+)\/s.*learned ([0-9,]+)\/s.*/\1 \/ \2/')
      line="$line  $rates"
    done
    echo "$line"
    stop_silo
  done
done
