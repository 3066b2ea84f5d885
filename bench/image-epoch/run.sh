#!/usr/bin/env bash
# One training epoch on a 64x64 RGB folder data set (10 classes x 500 JPEGs), Lepton against PyTorch (torchvision's
# ImageFolder + DataLoader), same model (model.json here = image_epoch.py's nn.Sequential), same augmentation
# (horizontal flip, rotation +-15 degrees, zoom 0.8..1.2), batch 64, Adam 1e-3, 2 threads. The two sides run alternately,
# RUNS times each, and the medians of images/s are compared (issue 15 asks for Lepton >= 1.5x).
#   bench/image-epoch/run.sh [RUNS]        (WORK=DIR keeps the images and the store between calls)
# Lepton's import is timed on its own (once): PyTorch decodes the JPEGs inside every epoch, Lepton decodes them once at
# import into pixel shards, which is the point of the import; the import row shows that cost.
# MODE=cli (default) needs lepton data import and lepton train --data NAME@V --augment; MODE=bench runs the Lepton side
# through Lepton.Bench's image-epoch (the same import, ImageDataset, loader and planned training step, without the CLI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/image-epoch"
runs="${1:-3}"
work="${WORK:-$(mktemp -d)}"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
augment="flip,rotate=15,zoom=0.2"
mode="${MODE:-cli}"
export LEPTON_HOME="$work/home"
py=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/image_epoch.py")

[ -d "$work/images/train" ] || "${py[@]}" make --out "$work/images" --classes 10 --per-class 500 --test-per-class 50 >&2

if [ "$mode" = bench ]; then
  dotnet build "$root/bench/Lepton.Bench/Lepton.Bench.csproj" -c Release -v q >&2
  import_s=0
else
  start=$(date +%s.%N)
  "$root/lepton" data import "$work/images" --name image-epoch --json > "$work/import.json"
  import_s=$(awk "BEGIN { print $(date +%s.%N) - $start }")
  version=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get("version", d); print(v["version"] if isinstance(v, dict) else v)' "$work/import.json")
fi

for i in $(seq 1 "$runs"); do
  if [ "$mode" = bench ]; then
    (cd "$root" && dotnet bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll image-epoch "$work/images" "$augment" 1) \
      | sed -n 's/^RESULT //p' | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"images_per_second": r["images_per_s"], "import_seconds": r["import_seconds"]}))' \
      > "$work/lepton-$i.json"
  else
    "$root/lepton" train --data "image-epoch@$version" --model "$here/model.json" --augment "$augment" --epochs 1 \
      --batch-size 64 --lr 1e-3 --threads 2 --seed "$i" --out "$work/model-$i" --json > "$work/lepton-$i.json"
  fi
  "${py[@]}" train --data "$work/images/train" --epochs 1 --batch-size 64 --lr 1e-3 --threads 2 --workers 1 --seed "$i" \
    > "$work/torch-$i.jsonl"
done

/usr/bin/python3 - "$work" "$runs" "$import_s" <<'PY'
import json, statistics, sys
work, runs, import_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lep = [json.load(open(f"{work}/lepton-{i}.json")) for i in range(1, runs + 1)]
tor = [next(json.loads(l) for l in open(f"{work}/torch-{i}.jsonl") if '"summary"' in l) for i in range(1, runs + 1)]
l = statistics.median(r["images_per_second"] for r in lep)
t = statistics.median(r["images_per_s"] for r in tor)
if import_s == 0: import_s = statistics.median(r.get("import_seconds", 0) for r in lep)
print(f"| image epoch 64x64x3, 5000 images, {runs} runs | median images/s | ratio |")
print("|---|---|---|")
print(f"| Lepton (augment in loader threads) | {l:.0f} | {l / t:.2f}x |")
print(f"| PyTorch {tor[0]['torch']} ImageFolder + DataLoader (num_workers=1) | {t:.0f} | 1.00x |")
print(f"| Lepton import (decode + resize + shard, once) | {import_s:.1f} s | |")
PY
