#!/usr/bin/env bash
# CPU per request of the silo and of the load generator (with its .NET client) at 1,000 concurrent: each process's
# CPU time (utime + stime from /proc/<pid>/stat) over the measured window, divided by the requests answered in it.
# Usage: bench/serving-cpu.sh <data-dir> [scenarios="predict recommend"] [runs=2]
# <data-dir>: a silo data directory with users and a model, e.g. $OUT/data of bench/serving-ab.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: bench/serving-cpu.sh <data-dir> [scenarios] [runs]}
SCENARIOS=${2:-"predict recommend"}
RUNS=${3:-2}
DURATION=8
P="--url http://127.0.0.1:5411 --gateway-port 30411"
dotnet build silo -c Release -v q -nologo >/dev/null
dotnet build bench/OnlineRec.LoadGen -c Release -v q -nologo >/dev/null
LOADGEN="dotnet bench/OnlineRec.LoadGen/bin/Release/net10.0/OnlineRec.LoadGen.dll"

dotnet silo/bin/Release/net10.0/OnlineRec.Silo.dll --data-dir "$DATA" --silo-port 11411 --gateway-port 30411 \
  --urls http://127.0.0.1:5411 --retrain-period 00:00:00 --Logging:LogLevel:Default=Warning > /tmp/serving-cpu-silo.log 2>&1 &
silo=$!
trap 'kill $silo 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:5411/health >/dev/null && break; sleep 1; done
$LOADGEN --scenario predict,recommend --via client -c 500 --duration 8 --warmup 0 $P >/dev/null   # activates the users

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
for _ in $(seq "$RUNS"); do
  for scenario in $SCENARIOS; do
    out=$(mktemp)
    $LOADGEN --scenario "$scenario" --via client -c 1000 --duration $DURATION --warmup 2 $P --json "$out.json" >/dev/null &
    gen=$!
    sleep 3                                   # past the 2 s warm-up
    g0=$(ticks $gen); s0=$(ticks $silo); t0=$(date +%s.%N)
    sleep $((DURATION - 2))
    g1=$(ticks $gen); s1=$(ticks $silo); t1=$(date +%s.%N)
    wait $gen
    python3 - "$out.json" "$scenario" "$g0" "$g1" "$s0" "$s1" "$t0" "$t1" "$hz" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))[0]
scenario = sys.argv[2]; g0, g1, s0, s1 = map(float, sys.argv[3:7]); t0, t1, hz = map(float, sys.argv[7:10])
requests = row["throughput"] * (t1 - t0)
us = lambda a, b: (b - a) / hz / requests * 1e6
print(f"{scenario}: {row['throughput']:,.0f}/s p50 {row['p50Ms']:.2f} ms p99 {row['p99Ms']:.2f} ms | "
      f"CPU per request: silo {us(s0, s1):.2f} µs, generator + client {us(g0, g1):.2f} µs")
PY
    rm -f "$out" "$out.json"
  done
done
