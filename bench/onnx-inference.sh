#!/usr/bin/env bash
# Lepton float32 inference of the reference CNN against ONNX Runtime 1.32 on the same network exported by lepton's ONNX
# exporter (issue 18): batch-1 latency (p50, p99) and batch-256 images/s, both sides with 2 threads (Lepton's kernels, ORT's
# intra-op pool), in one process, in blocks of forwards per side with a 50 ms pause before each (ORT's idle workers spin for
# about 20 ms after a Run and would hold a core during the other side's block), rounds alternating which side goes first;
# the same forwards interleaved one by one are printed as interleaved_*. Random weights (seed 0), Fashion-MNIST test images.
#   bench/onnx-inference.sh [rounds (5)] [forwards per round (400)] [batches of 256 per round (8)] [ORT worker spinning 1|0 (1)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(date -u +'%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
dotnet build -c Release bench/Lepton.Bench -v quiet -nologo > /dev/null
dotnet run -c Release --no-build --project bench/Lepton.Bench -- onnx-infer "${1:-5}" "${2:-400}" "${3:-8}" 2 "${4:-1}"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
