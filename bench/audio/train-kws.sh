#!/usr/bin/env bash
# Issue 21 acceptance: synthesize a 10-command keyword set plus unknown and silence with espeak-ng and sox
# (bench/audio/make_keywords.py), import it, split it by speaker (espeak-ng voice) so test voices are never trained on,
# train a keyword model, and report the held-out-voice accuracy and the training time. Prints a Markdown section for
# bench/RESULTS.md with the load average.
#   bench/audio/train-kws.sh [model=kws-cnn] [epochs=20] [voices=40] [takes=5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-kws-cnn}"
epochs="${2:-20}"
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
"$root/lepton" --version >/dev/null 2>&1 || true   # builds the CLI once, outside the timings
"$root/lepton" data import "$data/manifest.csv" --name keywords --json > "$LEPTON_HOME/import.json"
"$root/lepton" data split keywords --test 0.2 --validation 0.1 --group-column speaker --seed 1 --json > "$LEPTON_HOME/split.json"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$root/lepton" train --data keywords@2 --model "$model" --epochs "$epochs" --seed 1 --out "$LEPTON_HOME/models/kws" --json > "$LEPTON_HOME/train.json"
wall=$(/usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$start" "$(date +%s.%N)")
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$LEPTON_HOME/train.json" "$wall" "$load_before" "$load_after" "$model" "$epochs" "$voices" "$takes" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
wall, before, after, model, epochs, voices, takes = sys.argv[2:]
m = o["metrics"]
print(f"### Keyword spotting on held-out voices (issue 21)")
print()
print(f"`bench/audio/train-kws.sh {model} {epochs} {voices} {takes}`: {voices} espeak-ng voices x {takes} takes of 10 commands + unknown + silence,")
print(f"split by voice (test 20%, validation 10%); {o['train_clips']} training, {o['validation_clips']} validation, {o['test_clips']} test clips of {o['clip_seconds']} s;")
print(f"augment {o['augment']}. Load average {before} before, {after} after.")
print()
print("| model | epochs | test accuracy (held-out voices) | macro F1 | training wall time | s/epoch |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| {o['model']} | {epochs} | {100 * m['test_accuracy']:.2f}% | {m['test_macro_f1']:.4f} | {wall} s | {m['seconds_per_epoch']:.1f} |")
PY
