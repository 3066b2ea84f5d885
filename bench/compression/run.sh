#!/usr/bin/env bash
# Pruning and distillation on Fashion-MNIST through the lepton command (issue 18 items 3-4):
#   1. train the reference CNN (preset cnn: conv32-conv64-fc128) as the source/teacher,
#   2. structured pruning to half the channels + fine-tuning; the command times source and result in alternation,
#   3. distil the CNN into bench/compression/student-small-cnn.json (about a fifth of its parameters),
#   4. control: the same student trained on the labels alone (--alpha 0).
# Usage: bench/compression/run.sh [TEACHER_EPOCHS=3] [FINE_TUNE_EPOCHS=1] [STUDENT_EPOCHS=3]
# Writes the three JSON results under $OUT (default /tmp/lepton-bench-compression); (LEPTON_HOME is a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
TEACHER_EPOCHS=${1:-3}
FINE_TUNE_EPOCHS=${2:-1}
STUDENT_EPOCHS=${3:-3}
OUT=${OUT:-/tmp/lepton-bench-compression}
mkdir -p "$OUT"
dotnet build src/Lepton.Cli -c Release -v q -nologo > /dev/null
LEPTON=(dotnet src/Lepton.Cli/bin/Release/net10.0/lepton.dll)
export LEPTON_HOME=$(mktemp -d)
trap 'rm -rf "$LEPTON_HOME"' EXIT
echo "load before: $(uptime)"
"${LEPTON[@]}" train --data fashion-mnist --model cnn --epochs "$TEACHER_EPOCHS" --seed 0 --register fmnist-cnn --json > "$OUT/teacher.json"
echo "teacher trained: $(uptime)"
"${LEPTON[@]}" compress prune fmnist-cnn@1 --structured --sparsity 0.5 --fine-tune-epochs "$FINE_TUNE_EPOCHS" \
  --data fashion-mnist --timing-batch 256 --timing-repeats 21 --json > "$OUT/prune.json"
echo "pruned: $(uptime)"
"${LEPTON[@]}" compress distill --teacher fmnist-cnn@1 --student bench/compression/student-small-cnn.json --epochs "$STUDENT_EPOCHS" \
  --data fashion-mnist --timing-batch 256 --timing-repeats 21 --json > "$OUT/distill.json"
echo "distilled: $(uptime)"
# Control: the same student, seed and epochs on the true labels only (alpha 0), to show what the teacher adds.
"${LEPTON[@]}" compress distill --teacher fmnist-cnn@1 --student bench/compression/student-small-cnn.json --epochs "$STUDENT_EPOCHS" \
  --alpha 0 --register fmnist-small-labels-only --data fashion-mnist --timing-batch 256 --timing-repeats 5 --json > "$OUT/labels-only.json"
echo "control trained: $(uptime)"
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
for name in ("prune", "distill", "labels-only"):
    r = json.load(open(os.path.join(out, name + ".json")))["report"]
    b, a = r["before"], r["after"]
    print(f"{name}: accuracy {b['test_accuracy']*100:.2f}% -> {a['test_accuracy']*100:.2f}% ({r['accuracy_change_points']:+.2f} points), "
          f"parameters {b['parameters']:,} -> {a['parameters']:,} ({r['parameter_ratio']*100:.1f}%), "
          f"batch {a['timing_batch']}: {b['ms_per_batch']:.2f} ms -> {a['ms_per_batch']:.2f} ms ({r['speedup']:.2f}x)")
    for c in r["changes"]: print("   ", c)
PY
