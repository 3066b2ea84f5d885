#!/usr/bin/env bash
# Temperature scaling of a network on Fashion-MNIST (Debian's dataset-fashion-mnist as 784 pixel columns, bench/tables/fashion_csv.py;
# the last 10,000 training images as the validation split): Lepton's tabular MLP trained, then `lepton models calibrate` on the
# validation split, against PyTorch's usual temperature scaling (bench/calibration/temperature_reference.py) fitted on the same
# model's validation logits; both scored on the 10,000 test images. Lepton's side is timed whole (scoring 20,000 rows, the fit,
# registering the version); the reference's fit alone and its process.
# Usage: bench/calibration/temperature.sh [rounds=3]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 bench/tables/fashion_csv.py "$dir" >/dev/null
/usr/bin/python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
rows = open(f"{d}/fashion_mnist.csv").read().splitlines()
out = [rows[0]] + [r.rsplit(",", 1)[0] + ",validation" if 50000 <= i < 60000 else r for i, r in enumerate(rows[1:])]
open(f"{d}/fashion.csv", "w").write("\n".join(out) + "\n")
head = rows[0].rsplit(",", 1)[0]
for split, lo, hi in [("validation", 50000, 60000), ("test", 60000, 70000)]:
    open(f"{d}/{split}.csv", "w").write("\n".join([head] + [r.rsplit(",", 1)[0] for r in rows[1 + lo:1 + hi]]) + "\n")
PY
./lepton --version >/dev/null
L="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
export LEPTON_HOME="$dir/home"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
$L data import "$dir/fashion.csv" --name fashion --label-column label --split-column split --json >/dev/null
$L train --data fashion@1 --model mlp --register fmlp --out "$dir/m" --json > "$dir/train.json"
echo "trained: $(/usr/bin/python3 -c "import json,sys; d=json.load(open('$dir/train.json')); print(d['metrics'])")"
# The uncalibrated model's answers with their truth, for the reference.
for split in validation test; do
  $L predict --model fmlp@1 --input "$dir/$split.csv" --top 10 --json > "$dir/$split.pred.json"
  /usr/bin/python3 - "$dir" "$split" <<'PY'
import json, sys
d, split = sys.argv[1], sys.argv[2]
rows = json.load(open(f"{d}/{split}.pred.json"))
labels = [l.rsplit(",", 2)[-2] for l in open(f"{d}/fashion_mnist.csv").read().splitlines()[1:]]
lo = 50000 if split == "validation" else 60000
for i, r in enumerate(rows): r["truth"] = labels[lo + i]
json.dump(rows, open(f"{d}/{split}.pred.json", "w"))
PY
done
for r in $(seq 1 "$rounds"); do
  if (( r % 2 == 1 )); then order="lepton reference"; else order="reference lepton"; fi
  for side in $order; do
    if [[ $side == lepton ]]; then
      start=$(date +%s.%N)
      $L models calibrate fmlp@1 --data fashion@1 --register "fmlp-t$r" --json > "$dir/cal.json"
      end=$(date +%s.%N)
      /usr/bin/python3 -c "import json; d=json.load(open('$dir/cal.json')); print('round $r lepton: ' + json.dumps({'temperature': d['temperature'], 'test_before': {'log_loss': d['test_before']['log_loss'], 'ece': d['test_before']['expected_calibration_error']}, 'test_after': {'log_loss': d['test_after']['log_loss'], 'ece': d['test_after']['expected_calibration_error']}, 'seconds': $end - $start}))"
    else
      echo "round $r reference: $(/usr/bin/python3 bench/calibration/temperature_reference.py "$dir/validation.pred.json" "$dir/test.pred.json")"
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
