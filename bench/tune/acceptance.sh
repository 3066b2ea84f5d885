#!/usr/bin/env bash
# Issue 18's tuning acceptance: `lepton tune` (TPE + successive halving) on the reference CNN against the best of TRIALS
# fully trained random trials (same space, every trial MAX_EPOCHS epochs), with Optuna (TPE + successive halving, same
# space and epoch budget) as the reference, all on the same Fashion-MNIST subset and the full 10,000-image test split.
#   bench/tune/acceptance.sh [TRAIN_IMAGES (5000)] [TRIALS (40)] [MAX_EPOCHS (9)] [SEED (0)]
# The comparison is of search quality per epoch budget (test accuracy of the trial each search picks by its validation
# accuracy, and epochs trained), which the machine's load does not change; wall times are printed but are not the point.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
train="${1:-5000}" trials="${2:-40}" epochs="${3:-9}" seed="${4:-0}"
work="${LEPTON_BENCH_WORK:-$(mktemp -d /tmp/lepton-tune-acceptance.XXXXXX)}"
mkdir -p "$work"
/usr/bin/python3 "$here/make_subset.py" "$work/data" --train "$train" --test 10000
lepton_dll="${LEPTON_DLL:-$repo/src/Lepton.Cli/bin/Release/net10.0/lepton.dll}"
[ -f "$lepton_dll" ] || dotnet build "$repo/src/Lepton.Cli" -c Release >/dev/null
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
tune() { # STUDY SAMPLER MIN_EPOCHS
  local start end
  start=$(date +%s)
  LEPTON_HOME="$work/home" dotnet "$lepton_dll" tune --data-dir "$work/data" --model cnn --space "$here/space.yaml" \
    --trials "$trials" --sampler "$2" --min-epochs "$3" --max-epochs "$epochs" --eta 3 --validation-split 0.1 --seed "$seed" \
    --study "$1" --threads 2 --json > "$work/$1.json"
  end=$(date +%s)
  echo "$1: $((end - start)) s"
}
tune "tpe-halving-$seed" tpe 1
/usr/bin/python3 "$here/optuna_tune.py" --data-dir "$work/data" --model cnn --trials "$trials" --max-epochs "$epochs" --seed "$seed" \
  --threads 2 > "$work/optuna.json"
echo "optuna: done"
tune "random-full-$seed" random "$epochs"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$work" "$seed" "$trials" "$epochs" <<'PY'
import json, sys
work, seed, trials, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def lepton(study):
    o = json.load(open(f"{work}/{study}-{seed}.json"))
    best = next(t for t in o["trials"] if t["number"] == o["best"])
    done = [t for t in o["trials"] if t["metrics"].get("test_accuracy") is not None]
    return {"best_val": o["best_value"], "test": best["metrics"].get("test_accuracy"), "params": best["parameters"],
            "epochs": o["epochs_spent"], "max_test": max(t["metrics"]["test_accuracy"] for t in done), "trials": len(o["trials"])}
full = lepton("random-full"); tpe = lepton("tpe-halving")
opt = json.load(open(f"{work}/optuna.json"))
print(f"| search | trials | epochs trained | best val acc | test acc of the picked trial | gap to random full (points) |")
print(f"|---|---:|---:|---:|---:|---:|")
print(f"| random, every trial {epochs} epochs (Lepton) | {full['trials']} | {full['epochs']} | {full['best_val']:.4f} | {full['test']:.4f} (best of all: {full['max_test']:.4f}) | 0 |")
print(f"| lepton tune: TPE + successive halving | {tpe['trials']} | {tpe['epochs']} | {tpe['best_val']:.4f} | {tpe['test']:.4f} | {100*(tpe['test']-full['test']):+.2f} |")
print(f"| Optuna 3.1 TPE + SuccessiveHalvingPruner (PyTorch) | {trials} | {opt['epochs']} | {opt['best_value']:.4f} | {opt['test_accuracy']:.4f} | {100*(opt['test_accuracy']-full['test']):+.2f} |")
print(f"epochs: lepton tune {tpe['epochs']} of the random search's {full['epochs']} ({tpe['epochs']/full['epochs']:.2f}); picked: {tpe['params']} vs {full['params']}")
PY
