#!/usr/bin/env bash
# Engine speed, Lepton against PyTorch on the same machine in the same run (issue 6): GEMM GFLOP/s (256-2048), reference-CNN
# and MLP 784-256-128-10 training images/s (batches of 64 of Fashion-MNIST, Adam 1e-3, 200 timed batches after 100 (CNN) or 300 (MLP) warm-up),
# reference-CNN inference latency at batch 1 (p50, p99 over 2,000 forwards after 3,000 warm-up) and images/s at batch 256 (40 batches after 20 warm-up), and peak resident
# memory of each side's process. Each workload runs on both sides back to back (Lepton, then PyTorch), so both see about the
# same load. Prints a Markdown table for bench/RESULTS.md; takes 2 to 3.5 minutes (2 repeats) on the 2-core machine.
#   bench/compare.sh [repeats (2)]    with repeats > 1 each cell is the best of the repeats (load from other work only slows)
# Lepton: `dotnet run -c Release --project bench/Lepton.Bench -- train|infer-latency|infer-throughput|gemm` with 2 kernel
# threads. PyTorch (Debian's python3-torch, /usr/bin/python3): torch.set_num_threads(2) on one-thread OpenBLAS, its fastest
# setting here (bench/reference/engine_compare.py); GEMM alone also with OpenBLAS on 2 threads (bench/reference/gemm.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
repeats="${1:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
results="$out/results.jsonl"
: > "$results"
export LEPTON_THREADS=2
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread

# record SIDE RUN: reads a workload's output on stdin and appends its RESULT lines, tagged, to the results file.
record() {
  local side="$1" run="$2" line
  while IFS= read -r line; do
    case "$line" in RESULT\ *) echo "{\"side\":\"$side\",\"run\":$run,\"result\":${line#RESULT }}" >> "$results" ;; esac
    echo "  $side: ${line#RESULT }" >&2
  done
}
lepton() { dotnet run -c Release --no-build --project bench/Lepton.Bench -- "$@"; }
torch_ref() { # OPENBLAS_THREADS SCRIPT ARGS...
  local threads="$1"; shift
  LD_LIBRARY_PATH="$openblas" OPENBLAS_NUM_THREADS="$threads" /usr/bin/python3 "$@"
}

started="$(date -u +'%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $started, load average $load_before" >&2
echo "== building bench/Lepton.Bench (Release)" >&2
dotnet build -c Release bench/Lepton.Bench -v quiet -nologo > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
sleep 3 # let build servers wind down before anything is timed

for run in $(seq 1 "$repeats"); do
  echo "== run $run of $repeats" >&2
  # Warm-up steps on both sides: enough for .NET's tiered JIT to install its optimized code before timing (about
  # 100 ms after a method gets hot), which 20 MLP steps (20 ms) were not: 1.4 ms median steps instead of 0.9.
  for kind in cnn:100 mlp:300; do
    lepton train "${kind%:*}" 200 "${kind#*:}" 64 | record lepton "$run"
    torch_ref 1 bench/reference/engine_compare.py train "${kind%:*}" 200 "${kind#*:}" 64 | record pytorch "$run"
  done
  # 3,000 warm-up forwards on both sides: .NET's tiered JIT installs its optimized, profile-guided code about 100 ms
  # after a method gets hot, so 200 forwards (30 ms) timed code that was still being recompiled (p99 0.8 ms then).
  lepton infer-latency 2000 3000 | record lepton "$run"
  torch_ref 1 bench/reference/engine_compare.py infer-latency 2000 3000 | record pytorch "$run"
  # 20 warm-up batches (0.3-0.4 s) on both sides: with 4 the JIT was still installing optimized code during the timed ones.
  lepton infer-throughput 40 20 256 | record lepton "$run"
  torch_ref 1 bench/reference/engine_compare.py infer-throughput 40 20 256 | record pytorch "$run"
  # GEMM: Lepton prints "size threads GFLOP/s median-ms best"; gemm.py prints "size GFLOP/s median-ms best".
  lepton gemm 256 512 1024 2048 \
    | awk '$1 ~ /^[0-9]+$/ && NF == 5 { printf "RESULT {\"mode\":\"gemm\",\"size\":%s,\"threads\":%s,\"gflops\":%s}\n", $1, $2, $3 }' \
    | record lepton "$run"
  for t in 1 2; do
    torch_ref "$t" bench/reference/gemm.py 256 512 1024 2048 \
      | awk -v t="$t" '$1 ~ /^[0-9]+$/ && NF == 4 { printf "RESULT {\"mode\":\"gemm\",\"size\":%s,\"threads\":%s,\"gflops\":%s}\n", $1, t, $2 }' \
      | record pytorch "$run"
  done
done

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== done $(date -u +'%H:%M UTC'), load average $load_after" >&2
/usr/bin/python3 bench/compare_table.py "$results" "$started" "$load_before" "$load_after" "$repeats"
