#!/usr/bin/env bash
# Issue 18: `lepton serve` against a plain ASP.NET Core server running the same exported model with ONNX Runtime
# (bench/reference/OnnxServer: one session, 2 intra-op threads, one run per request). The reference CNN is exported with
# `lepton export onnx`; wrk drives both with the same OIP v2 request at 1, 16 and 64 connections, alternating the two
# servers ROUNDS times per cell; prints each side's median run (by requests/s) with p50 and p99, and the ratios.
#   bench/serve-onnx-compare.sh [seconds-per-run (10)] [rounds (3)]
#   LEPTON_BENCH_MODEL=folder reuses a trained model. Needs wrk and dataset-fashion-mnist.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
seconds="${1:-10}"
rounds="${2:-3}"
lport="${LEPTON_BENCH_PORT:-18096}"
oport=$((lport + 1))

model="$(model_folder)"
"${lepton[@]}" models register fashion --from "$model" >/dev/null
"${lepton[@]}" models promote fashion@1 --alias production >/dev/null
"${lepton[@]}" export onnx fashion@1 --out "$work/fashion.onnx" >/dev/null
dotnet build -c Release "$root/bench/reference/OnnxServer/OnnxServer.csproj" -v quiet -nologo > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
/usr/bin/python3 "$root/bench/wrk/make_body.py" "$work/body.json"

start_lepton "$lport" fashion@production --threads 2
dotnet "$root/bench/reference/OnnxServer/bin/Release/net10.0/OnnxServer.dll" "$work/fashion.onnx" "$oport" fashion > "$work/onnx.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$oport" "$!" onnx
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

alternate_runs side "$seconds" "$rounds" lepton "http://127.0.0.1:$lport" onnx "http://127.0.0.1:$oport"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 "$root/bench/wrk/summarize.py" "$work/results.jsonl" side "lepton:lepton serve" "onnx:ASP.NET Core + ONNX Runtime" "$load_before" "$load_after"
