#!/usr/bin/env bash
# Batching policy benchmark: two `lepton serve` processes with the same reference CNN, one with `--batch-wait adaptive`
# (run what is queued as soon as the worker is free) and one with `--batch-wait always` (the fixed 2 ms queue delay),
# driven by wrk at 1, 16 and 64 connections, alternating the two servers ROUNDS times per cell; prints each policy's
# median run (by requests/s) with its p50 and p99, and the ratios.
#   bench/serve-batching.sh [seconds-per-run (10)] [rounds (3)] [policy-a (adaptive)] [policy-b (always)]
#   LEPTON_BENCH_MODEL=folder reuses a trained model. Needs wrk and dataset-fashion-mnist.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
seconds="${1:-10}"
rounds="${2:-3}"
pa="${3:-adaptive}"
pb="${4:-always}"
aport="${LEPTON_BENCH_PORT:-18094}"
fport=$((aport + 1))

model="$(model_folder)"
"${lepton[@]}" models register fashion --from "$model" >/dev/null
"${lepton[@]}" models promote fashion@1 --alias production >/dev/null
/usr/bin/python3 "$root/bench/wrk/make_body.py" "$work/body.json"
start_policy() { # PORT POLICY
  "${lepton[@]}" serve fashion@production --port "$1" --no-auth --threads 2 --batch-wait "$2" > "$work/$2.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$1" "$!" "$2"
}
start_policy "$aport" "$pa"
start_policy "$fport" "$pb"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

alternate_runs policy "$seconds" "$rounds" "$pa" "http://127.0.0.1:$aport" "$pb" "http://127.0.0.1:$fport"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 "$root/bench/wrk/summarize.py" "$work/results.jsonl" policy "$pa:--batch-wait $pa" "$pb:--batch-wait $pb" "$load_before" "$load_after"
