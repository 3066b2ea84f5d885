# Shared by bench/serve-compare.sh and bench/hot-swap.sh (sourced, not run): the lepton command, a throw-away
# LEPTON_HOME with the reference CNN registered, server start/stop and readiness, and one wrk run.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# LEPTON_CLI runs another build, e.g. LEPTON_CLI="dotnet /tmp/cli/lepton.dll"; default: the checkout's ./lepton.
read -r -a lepton <<< "${LEPTON_CLI:-$root/lepton}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export LEPTON_HOME="$work/home"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

# The reference CNN folder: LEPTON_BENCH_MODEL when set (reused), else one trained for one epoch now.
model_folder() {
  if [ -n "${LEPTON_BENCH_MODEL:-}" ]; then echo "$LEPTON_BENCH_MODEL"; return; fi
  echo "training the reference CNN for one epoch (set LEPTON_BENCH_MODEL=folder to reuse one)..." >&2
  "${lepton[@]}" train --model cnn --epochs 1 --out "$work/cnn" --json >/dev/null
  echo "$work/cnn"
}

# wait_ready URL PID NAME: polls the OIP readiness endpoint for up to 120 s.
wait_ready() {
  for _ in $(seq 1 240); do
    curl -sf "$1/v2/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 exited before it was ready; its log:" >&2; cat "$work/$3.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$3 was not ready after 120 s; its log:" >&2; cat "$work/$3.log" >&2; exit 1
}

start_lepton() { # PORT REFERENCE [extra serve options...]
  local port="$1" ref="$2"; shift 2
  "${lepton[@]}" serve "$ref" --port "$port" --no-auth "$@" > "$work/lepton.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$port" "$!" lepton
}

start_reference() { # PORT MODEL_FOLDER
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 "$root/bench/reference/serve_fastapi.py" --model-dir "$2" --name fashion --port "$1" > "$work/reference.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$1" "$!" reference
}

# run_wrk URL CONNECTIONS SECONDS [TRACK_VERSIONS]: prints wrk's WRKJSON summary line (bench/wrk/infer.lua).
run_wrk() {
  local threads=2; [ "$2" -lt 2 ] && threads=1
  WRK_BODY="$work/body.json" WRK_TRACK_VERSIONS="${4:-0}" \
    wrk -t"$threads" -c"$2" -d"$3"s --timeout 30s -s "$root/bench/wrk/infer.lua" "$1" | grep '^WRKJSON' | cut -d' ' -f2-
}

# alternate_runs KEY SECONDS ROUNDS NAME_A URL_A NAME_B URL_B: at 1, 16 and 64 connections, a 2 s warm-up of each side,
# then ROUNDS rounds of one run per side in turn; writes {"KEY": name, "connections": n, "wrk": {...}} lines to
# $work/results.jsonl for bench/wrk/summarize.py.
alternate_runs() {
  local key="$1" seconds="$2" rounds="$3" line conns round side
  local -A url=(["$4"]="$5" ["$6"]="$7")
  local sides=("$4" "$6")
  : > "$work/results.jsonl"
  for conns in 1 16 64; do
    for side in "${sides[@]}"; do run_wrk "${url[$side]}" "$conns" 2 >/dev/null; done # warm-up
    for round in $(seq 1 "$rounds"); do
      for side in "${sides[@]}"; do
        line="$(run_wrk "${url[$side]}" "$conns" "$seconds")"
        echo "{\"$key\":\"$side\",\"connections\":$conns,\"wrk\":$line}" >> "$work/results.jsonl"
        echo "$side c=$conns round $round: $line" >&2
      done
    done
  done
}
