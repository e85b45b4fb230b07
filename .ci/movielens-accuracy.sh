#!/usr/bin/env bash
# MovieLens 100K accuracy gate: evaluate als+sgd and bpmf with their default hyperparameters on the official folds
# u1..u5 (Release build) and fail if the mean RMSE (predictions clamped to 1..5) exceeds its limit.
# Limits: als+sgd ≤ 0.907 (LIBMF's best here: 0.9070), bpmf ≤ 0.900. Usage: .ci/movielens-accuracy.sh [data-dir]
set -euo pipefail
cd "$(dirname "$0")/.."

data="${1:-../shared/data/ml-100k}"
if [[ ! -f "$data/u1.base" ]]; then
  echo "movielens-accuracy: $data/u1.base not found; skipped"
  exit 0
fi

dotnet build client -c Release --nologo -v quiet
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

failed=0
check() {
  local algo="$1" limit="$2" json="$results/${1//+/-}.json"
  if ! dotnet run -c Release --no-build --project client -- evaluate \
       --data "$data" --folds u1,u2,u3,u4,u5 --algo "$algo" --json "$json"; then
    echo "movielens-accuracy: evaluate --algo $algo failed"
    failed=1
    return
  fi
  python3 - "$json" "$limit" <<'PY' || failed=1
import json, sys
report = json.load(open(sys.argv[1]))
limit = float(sys.argv[2])
mean = report["meanRmse"]
folds = " ".join(f'{f["fold"]}={f["rmse"]:.4f}' for f in report["folds"])
ok = len(report["folds"]) == 5 and mean <= limit
print(f'movielens-accuracy: {report["algo"]}: mean RMSE {mean:.4f} (limit {limit}) [{folds}] -> {"ok" if ok else "FAIL"}')
sys.exit(0 if ok else 1)
PY
}

check "als+sgd" 0.907
check "bpmf" 0.900
exit "$failed"
