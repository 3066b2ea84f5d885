#!/usr/bin/env bash
# Issue 21 acceptance: synthesize a 10-command keyword set plus unknown and silence with espeak-ng and sox
# (bench/audio/make_keywords.py), import it, split it by speaker (espeak-ng voice) so test voices are never trained on,
# train a keyword model, and report the held-out-voice accuracy and the training time. Then a speed reference in the same
# run: Lepton and PyTorch 1.13 (bench/audio/kws_torch.py) train the same network for 3 epochs, Lepton on the training set
# without augmentation (cached features), PyTorch on 512 random examples of the features' shape, both on 2 threads;
# the figure is training examples per second.
# Prints a Markdown section for bench/RESULTS.md with the load average.
#   bench/audio/train-kws.sh [model=kws-cnn] [epochs=30] [voices=40] [takes=5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-kws-cnn}"
epochs="${2:-30}"
voices="${3:-40}"
takes="${4:-5}"
data="/tmp/lepton-kws-bench-v${voices}-t${takes}"
export LEPTON_HOME="$(mktemp -d /tmp/lepton-kws-home.XXXXXX)"
trap 'rm -rf "$LEPTON_HOME"' EXIT
if [ ! -f "$data/manifest.csv" ]; then
  echo "== synthesizing $data ($voices voices x $takes takes)" >&2
  start=$(date +%s)
  /usr/bin/python3 "$root/bench/audio/make_keywords.py" "$data" --voices "$voices" --takes "$takes" --seed 7 --jobs 2 >&2
  echo "   $(( $(date +%s) - start )) s" >&2
fi
lepton="$root/lepton"
"$lepton" --help >/dev/null 2>&1 || true   # builds the CLI once, outside the timings
"$lepton" data import "$data/manifest.csv" --name keywords --json > "$LEPTON_HOME/import.json"
"$lepton" data split keywords --test 0.2 --validation 0.1 --group-column speaker --seed 1 --json > "$LEPTON_HOME/split.json"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== training $model for $epochs epochs" >&2
start=$(date +%s.%N)
"$lepton" train --data keywords@2 --model "$model" --epochs "$epochs" --seed 1 --threads 2 --out "$LEPTON_HOME/models/kws" --json > "$LEPTON_HOME/train.json"
wall=$(/usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$start" "$(date +%s.%N)")
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== speed reference: 3 epochs each, Lepton without augmentation, then PyTorch" >&2
"$lepton" train --data keywords@2 --model "$model" --epochs 3 --augment none --seed 1 --threads 2 --out "$LEPTON_HOME/models/plain" --json > "$LEPTON_HOME/plain.json"
shape=$(/usr/bin/python3 -c "
import json, sys
o = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2] + '/models/kws/model.json'))
shape = f['graph']['inputs'][0]['shape']
print(min(o['train_clips'], 512), shape[2], shape[3], len(f['class_names']))" "$LEPTON_HOME/train.json" "$LEPTON_HOME")
torch="$(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/audio/kws_torch.py" "$model" $shape 2 | sed -n 's/^RESULT //p')"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$LEPTON_HOME/train.json" "$wall" "$load_before" "$load_after" "$model" "$epochs" "$voices" "$takes" "$LEPTON_HOME/plain.json" "$torch" "$load_end" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
wall, before, after, model, epochs, voices, takes = sys.argv[2:9]
plain = json.load(open(sys.argv[9]))
torch = json.loads(sys.argv[10])
load_end = sys.argv[11]
m = o["metrics"]
print("### Keyword spotting on held-out voices (issue 21)")
print()
print(f"`bench/audio/train-kws.sh {model} {epochs} {voices} {takes}`: {voices} espeak-ng voices x {takes} takes of 10 commands + unknown + silence,")
print(f"split by voice (test 20%, validation 10%, `--group-column speaker`); {o['train_clips']} training, {o['validation_clips']} validation,")
print(f"{o['test_clips']} test clips of {o['clip_seconds']} s; augment {o['augment']}; 2 threads. Load average {before} before, {after} after.")
print()
print("| model | epochs | test accuracy (held-out voices) | macro F1 | training wall time | s/epoch |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| {o['model']} | {epochs} | {100 * m['test_accuracy']:.2f}% | {m['test_macro_f1']:.4f} | {wall} s | {m['seconds_per_epoch']:.1f} |")
print()
lp = plain["train_clips"] / plain["metrics"]["seconds_per_epoch"]
tp = torch["clips"] / torch["seconds_per_epoch"]
print(f"Speed reference, same run, 3 epochs each (batch 64, AdamW, 2 threads): Lepton `--augment none` on the {plain['train_clips']} training clips")
print(f"(cached features; mean epoch) against PyTorch 1.13 on {torch['clips']} random examples of the same shape (median epoch); load average {load_end} at the end.")
print()
print("| network | Lepton examples/s | PyTorch examples/s | ratio (Lepton / PyTorch) |")
print("|---|---:|---:|---:|")
print(f"| {model} | {lp:.0f} | {tp:.0f} | {lp / tp:.2f}x |")
PY
