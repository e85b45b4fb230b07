#!/usr/bin/env bash
# Functional scaling test of the PostgreSQL cluster mode on ONE machine: for 1, 2 and 3 silo processes (all sharing
# this machine's cores), ingest N synthetic ratings through the .NET client (gateways found in the membership table),
# wait until the grains learned them, retrain once, and record per-silo memory (RSS) after the retrain.
# Usage: bench/cluster-scaling.sh [ratings=1000000] [silo counts="1 2 3"]   → prints a Markdown table, JSON in $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
RATINGS=${1:-1000000}
COUNTS=${2:-"1 2 3"}
OUT=${OUT:-/tmp/onlinerec-cluster-scaling}
mkdir -p "$OUT"

BASE="$(bash .ci/postgres-setup.sh)"
dotnet build silo -c Release -v q -nologo >/dev/null
dotnet build client -c Release -v q -nologo >/dev/null
dotnet build bench/OnlineRec.LoadGen -c Release -v q -nologo >/dev/null
SILO=silo/bin/Release/net10.0/OnlineRec.Silo.dll
CLI=client/bin/Release/net10.0/onlinerec.dll
LOADGEN=bench/OnlineRec.LoadGen/bin/Release/net10.0/OnlineRec.LoadGen.dll

psql_admin() { su postgres -c "psql -qtA -v ON_ERROR_STOP=1 -c \"$1\""; }
pids=()
stop_silos() { for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap stop_silos EXIT

rows=()
for n in $COUNTS; do
  db="onlinerec_scaling_$n"
  psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE);"
  psql_admin "CREATE DATABASE $db OWNER onlinerec;"
  conn="${BASE/Database=onlinerec/Database=$db}"
  dotnet "$SILO" migrate --connection "$conn" >/dev/null
  for i in $(seq 1 "$n"); do
    dotnet "$SILO" --cluster postgres --connection "$conn" --cluster-id "scaling$n" --silo-name "silo$i" \
      --silo-port $((21110 + i)) --gateway-port $((31000 + i)) --urls "http://127.0.0.1:$((5100 + i))" \
      --retrain-period 00:00:00 --Cluster:MigrateOnStart=false >"$OUT/silo$n-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((5100 + i))/health" >/dev/null && break; sleep 1; done
  done
  # Every silo must be in the membership view before load starts, or grains all land on the first one.
  for _ in $(seq 1 120); do
    active=$(PGPASSWORD=onlinerec psql -h 127.0.0.1 -U onlinerec -d "$db" -qtA -c "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid='scaling$n' AND status=3;")
    [[ "$active" == "$n" ]] && break; sleep 1
  done
  sleep 5

  dotnet "$LOADGEN" --scenario ingest --via client --cluster-connection "$conn" --cluster-id "scaling$n" \
    --url http://127.0.0.1:5101 -c 16 --ratings "$RATINGS" --users 20000 --items 5000 --drain-timeout 600 --json "$OUT/ingest-$n.json" >"$OUT/ingest-$n.txt"
  if ! dotnet "$CLI" retrain --url http://127.0.0.1:5101 --wait >"$OUT/retrain-$n.txt" 2>&1; then
    echo "retrain with $n silo(s) failed:" >&2; cat "$OUT/retrain-$n.txt" >&2
  fi
  train=$(curl -sf http://127.0.0.1:5101/model | python3 -c 'import json,sys; r=json.load(sys.stdin)["lastRetrain"]; print(round(r["trainSeconds"],1) if r and not r["error"] else "failed")')
  rss=""
  for p in "${pids[@]}"; do rss+="$(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/"$p"/status) "; done
  acked=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(round(r["ackedRatingsPerSecond"]))' "$OUT/ingest-$n.json")
  learned=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; v=r.get("learnedRatingsPerSecond"); print(round(v) if v else "–")' "$OUT/ingest-$n.json")
  rows+=("| $n | $RATINGS | $acked | $learned | $train | ${rss% } |")
  stop_silos
done

echo "| silos | ratings | acked/s | learned/s | retrain s | RSS per silo after retrain (MiB) |"
echo "|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
