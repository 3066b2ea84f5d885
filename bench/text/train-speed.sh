#!/usr/bin/env bash
# Tokens/s of a small LSTM and a small Transformer text classifier's training step, Lepton against PyTorch 1.13 on 2
# threads, alternating sides for ROUNDS rounds; prints every RESULT line, then the median tokens/s per side and model.
# Usage (from the repository root): bench/text/train-speed.sh [rounds=3] [steps=20] [warmup=10]
set -euo pipefail
ROUNDS=${1:-3}
STEPS=${2:-20}
WARMUP=${3:-10}
dotnet build bench/Lepton.Bench -c Release -v q -nologo >/dev/null
BENCH=(dotnet bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll)
export LEPTON_THREADS=2
OUT=$(mktemp)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for model in lstm transformer; do
    "${BENCH[@]}" text-train "$model" "$STEPS" "$WARMUP" | grep '^RESULT' | tee -a "$OUT"
    LD_LIBRARY_PATH=$OPENBLAS_DIR OPENBLAS_NUM_THREADS=1 \
      /usr/bin/python3 bench/text/text_train.py "$model" "$STEPS" "$WARMUP" | grep '^RESULT' | tee -a "$OUT"
  done
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l.split(" ", 1)[1]) for l in open(sys.argv[1])]
for model in ("lstm", "transformer"):
    med = {s: statistics.median(r["tokens_per_s"] for r in rows if r["model"] == model and r["side"] == s) for s in ("lepton", "pytorch")}
    print(f"{model}: lepton {med['lepton']:.0f} tokens/s, pytorch {med['pytorch']:.0f} tokens/s, ratio {med['lepton'] / med['pytorch']:.2f}x")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$OUT"
