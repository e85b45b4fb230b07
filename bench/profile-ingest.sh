#!/usr/bin/env bash
# Profiles the silo (this working tree, Release) during a steady 500k-rating HTTP ingest run: a fresh silo and data
# directory, one unprofiled run that activates the 10,000 users, then the profiled run (16 batches of 5,000 in flight).
#   bench/profile-ingest.sh cpu       → CPU shares by frame (dotnet-trace sampled thread time → speedscope → TraceReport)
#   bench/profile-ingest.sh alloc     → allocations by type (the runtime's AllocationTick events → TraceReport)
#   bench/profile-ingest.sh counters  → GC collections, GC pause, allocated bytes, JIT time over the run (dotnet-counters)
# dotnet-trace and dotnet-counters are installed from NuGet into $OUT/tools on first use. Traces stay in $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?usage: bench/profile-ingest.sh cpu|alloc|counters}
OUT=${OUT:-/tmp/onlinerec-profile}
mkdir -p "$OUT"
source bench/ab-common.sh
TOOLS="$OUT/tools"
for tool in dotnet-trace dotnet-counters; do
  [[ -x "$TOOLS/$tool" ]] || dotnet tool install "$tool" --tool-path "$TOOLS" >/dev/null
done
dotnet publish silo -c Release -o "$OUT/after/silo" -v q -nologo >/dev/null
publish_loadgen . "$OUT/after"
dotnet build bench/OnlineRec.TraceReport -c Release -v q -nologo >/dev/null
report() { dotnet run -c Release --no-build --project bench/OnlineRec.TraceReport -- "$@"; }

rm -rf "$OUT/data"
start_silo after "$OUT/data"
ingest() { loadgen after --scenario ingest --via http -c 16 --seed "$1" $P | sed 's/\x1b\[[0-9;]*m//g' | grep -E "ratings, acked"; }
ingest 1 >/dev/null

case "$MODE" in
  cpu) "$TOOLS/dotnet-trace" collect -p "$silo" --profile dotnet-sampled-thread-time --duration 00:00:00:14 -o "$OUT/cpu.nettrace" >/dev/null & ;;
  alloc) "$TOOLS/dotnet-trace" collect -p "$silo" --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:14 -o "$OUT/alloc.nettrace" >/dev/null & ;;
  counters) "$TOOLS/dotnet-counters" collect -p "$silo" --counters System.Runtime --refresh-interval 1 --format csv --duration 00:00:00:14 -o "$OUT/counters.csv" >/dev/null & ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
collector=$!
sleep 1
ingest 2
wait "$collector"
stop_silo

case "$MODE" in
  cpu)
    "$TOOLS/dotnet-trace" convert "$OUT/cpu.nettrace" --format speedscope -o "$OUT/cpu.json" >/dev/null
    report cpu "$OUT/cpu.speedscope.json" 60 ;;
  alloc) report alloc "$OUT/alloc.nettrace" 30 ;;
  counters)
    # Sums over the 14 s window of the per-interval counters (the run itself takes 8-12 s of it).
    awk -F, '/dotnet.gc.collections/ { split($3, g, "="); gsub(/]/, "", g[2]); n[g[2]] += $NF }
             /dotnet.gc.pause.time/ { pause += $NF } /dotnet.gc.heap.total_allocated/ { alloc += $NF }
             /dotnet.jit.compilation.time/ { jit += $NF }
             END { printf "collections gen0 %d gen1 %d gen2 %d, GC pause %.2f s, allocated %.0f MB, JIT %.2f s\n",
                   n["gen0"], n["gen1"], n["gen2"], pause, alloc / 1e6, jit }' "$OUT/counters.csv" ;;
esac
