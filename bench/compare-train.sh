#!/usr/bin/env bash
# Trains the same model with the same recipe in Lepton and in PyTorch (same machine, same run) and
# prints a Markdown table: seconds per epoch, images/s, test accuracy and the Lepton/PyTorch ratio.
#   bench/compare-train.sh [cnn|mlp] [epochs]
# PyTorch runs in its fastest setting here: 2 intra-op threads, OpenBLAS on one thread.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-cnn}"
epochs="${2:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$root/lepton" train --model "$model" --epochs "$epochs" --batch-size 64 --lr 1e-3 --threads 2 --out "$out/model" --json > "$out/lepton.json"
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
  /usr/bin/python3 "$root/bench/reference/cnn_train.py" --model "$model" --epochs "$epochs" --threads 2 > "$out/torch.jsonl"

/usr/bin/python3 - "$out/lepton.json" "$out/torch.jsonl" "$model" "$epochs" <<'PY'
import json, sys
lep = json.load(open(sys.argv[1]))
torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
ts = next(t for t in torch if t.get("summary"))
model, epochs = sys.argv[3], sys.argv[4]
la, ta = lep["test"]["accuracy"], ts["test_accuracy"]
print(f"| {model} | {epochs} | Lepton | {lep['seconds_per_epoch']:.1f} | {lep['images_per_second']:.0f} | {la*100:.2f}% | {lep['images_per_second']/ts['images_per_s']:.2f}x |")
print(f"| {model} | {epochs} | PyTorch {ts['torch']} | {ts['seconds_per_epoch']:.1f} | {ts['images_per_s']:.0f} | {ta*100:.2f}% | 1.00x |")
PY
