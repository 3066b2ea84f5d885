#!/usr/bin/env bash
# Lepton's SGEMM and PyTorch/OpenBLAS at the same sizes, in one run (numbers for bench/RESULTS.md).
# Usage: bench/gemm-compare.sh [sizes...]   (default 256 512 1024 2048)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-256 512 1024 2048}")
echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== Lepton: dotnet run -c Release --project bench/Lepton.Bench -- gemm ${sizes[*]}"
# Build first: build servers winding down would otherwise steal the second core from the first sizes.
dotnet build -c Release bench/Lepton.Bench -v quiet -nologo > /dev/null
sleep 3
dotnet run -c Release --no-build --project bench/Lepton.Bench -- gemm ${sizes[*]}
for t in 1 2; do
  echo "== PyTorch: OPENBLAS_NUM_THREADS=$t /usr/bin/python3 bench/reference/gemm.py ${sizes[*]}"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=$t \
    /usr/bin/python3 bench/reference/gemm.py ${sizes[*]}
done
