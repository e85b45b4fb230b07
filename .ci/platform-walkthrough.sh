#!/usr/bin/env bash
# The README's MovieLens walkthrough through the real platform: start the silo (Release, temp data dir, loopback),
# ingest u1.base with the CLI, score u1.test with online SGD alone (reported), retrain once, score again and fail
# unless RMSE ≤ 0.93. Usage: .ci/platform-walkthrough.sh [ml-100k dir]
set -euo pipefail
cd "$(dirname "$0")/.."

data="${1:-../shared/data/ml-100k}"
if [[ ! -f "$data/u1.base" ]]; then
  echo "platform-walkthrough: $data/u1.base not found; skipped"
  exit 0
fi

port=5791
url="http://127.0.0.1:$port"
workdir="$(mktemp -d)"
dotnet build silo -c Release --nologo -v quiet
dotnet build client -c Release --nologo -v quiet

dotnet silo/bin/Release/net10.0/OnlineRec.Silo.dll --urls "$url" --data-dir "$workdir/data" \
  --silo-port 11891 --gateway-port 30891 > "$workdir/silo.log" 2>&1 &
silo=$!
cleanup() { kill "$silo" 2>/dev/null || true; wait "$silo" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -sf "$url/health" > /dev/null && break
  kill -0 "$silo" 2>/dev/null || { echo "platform-walkthrough: silo exited"; cat "$workdir/silo.log"; exit 1; }
  sleep 1
done

cli() { dotnet client/bin/Release/net10.0/onlinerec.dll "$@" --url "$url"; }
cli ingest "$data/u1.base" --no-progress
# Let the stream drain into the grains before scoring the online-only model: GET /model's "learned" counts the SGD
# steps this (fresh) silo's user grains applied; wait until it covers every ingested rating (at most 120 s).
ingested=$(cut -f1 "$data/u1.base" | wc -l)
for _ in $(seq 1 240); do
  learned=$(curl -sf "$url/model" | grep -o '"learned":[0-9]*' | cut -d: -f2 || true)
  [[ -n "$learned" && "$learned" -ge "$ingested" ]] && break
  sleep 0.5
done
echo "platform-walkthrough: learned ${learned:-?} of $ingested ratings"
echo "platform-walkthrough: online SGD only (baseline):"
cli score "$data/u1.test"
cli retrain --wait
echo "platform-walkthrough: after one retrain (must be ≤ 0.93):"
cli score "$data/u1.test" --max-rmse 0.93
echo "platform-walkthrough: ok"
