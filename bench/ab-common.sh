# Shared by the A/B scripts (sourced, not run): builds BEFORE (a commit, via a temporary worktree) and AFTER (this
# working tree) into $OUT/before and $OUT/after, starts/stops one silo at a time on the A/B ports, and runs either
# side's load generator.
# Needs: OUT, and the caller's cwd at the repository root.
PORTS="--silo-port 11411 --gateway-port 30411 --urls http://127.0.0.1:5411"
P="--url http://127.0.0.1:5411 --gateway-port 30411"

build_before_and_after() {
  local before=$1 side tree
  rm -rf "$OUT/src" "$OUT/before" "$OUT/after"
  git worktree prune
  git worktree add -f "$OUT/src" "$before" >/dev/null
  for side in before after; do
    tree=$([[ $side == before ]] && echo "$OUT/src" || pwd)
    dotnet publish "$tree/silo" -c Release -o "$OUT/$side/silo" -v q -nologo >/dev/null
    dotnet publish "$tree/client" -c Release -o "$OUT/$side/client" -v q -nologo >/dev/null
    publish_loadgen "$tree" "$OUT/$side"
  done
  git worktree remove -f "$OUT/src"
}

# publish_loadgen <tree> <out>: a BEFORE commit may predate bench/OnlineRec.LoadGen; there the generator is the
# CLI's `load` command, published with the CLI.
publish_loadgen() {
  [[ -d "$1/bench/OnlineRec.LoadGen" ]] || return 0
  dotnet publish "$1/bench/OnlineRec.LoadGen" -c Release -o "$2/loadgen" -v q -nologo >/dev/null
}

# loadgen <before|after> <options…>: that side's load generator with the given options.
loadgen() {
  local side=$1; shift
  if [[ -f "$OUT/$side/loadgen/OnlineRec.LoadGen.dll" ]]; then dotnet "$OUT/$side/loadgen/OnlineRec.LoadGen.dll" "$@"
  else dotnet "$OUT/$side/client/onlinerec.dll" load "$@"; fi
}

silo=""
stop_silo() { [[ -n "$silo" ]] && kill "$silo" 2>/dev/null && wait "$silo" 2>/dev/null || true; silo=""; }
trap stop_silo EXIT

# start_silo <before|after> <data-dir>: a Release silo without scheduled retrains, waits for /health.
start_silo() {
  dotnet "$OUT/$1/silo/OnlineRec.Silo.dll" --data-dir "$2" $PORTS --retrain-period 00:00:00 \
    --Logging:LogLevel:Default=Warning > "$OUT/silo-$1.log" 2>&1 &
  silo=$!
  for _ in $(seq 60); do curl -sf http://127.0.0.1:5411/health >/dev/null && return; sleep 1; done
  echo "silo ($1) did not start" >&2; exit 1
}
