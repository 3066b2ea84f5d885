#!/usr/bin/env bash
# Training step of a graph preset, Lepton (`Lepton.Bench preset-step`) against PyTorch (bench/presets/torch_step.py) on the
# same structure, batch and thread count, the two sides alternating round by round.
#   bench/presets/run.sh [PRESET=mobilenet] [ROUNDS=3] [BATCH=64] [STEPS=20] [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
preset=${1:-mobilenet} rounds=${2:-3} batch=${3:-64} steps=${4:-20} threads=${5:-2}
dotnet build bench/Lepton.Bench -c Release -v q -nologo > /dev/null
bench=bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll
for r in $(seq 1 "$rounds"); do
  echo "round $r"
  if [ $((r % 2)) -eq 1 ]; then
    LEPTON_THREADS=$threads dotnet "$bench" preset-step "$preset" "$batch" "$steps" | tail -1
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/presets/torch_step.py "$preset" "$batch" "$steps" "$threads"
  else
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/presets/torch_step.py "$preset" "$batch" "$steps" "$threads"
    LEPTON_THREADS=$threads dotnet "$bench" preset-step "$preset" "$batch" "$steps" | tail -1
  fi
done
