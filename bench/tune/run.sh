#!/usr/bin/env bash
# Lepton tune vs Optuna TPE on the same space, model, subset and epoch budget, alternating sides over seeds.
#   bench/tune/run.sh [TRAIN_IMAGES] [TRIALS] [MAX_EPOCHS] [SEEDS]     (defaults: 5000 20 3 3)
# One thread on each side (the comparison is of search quality per epoch budget; on a shared machine one thread also
# keeps PyTorch's OpenMP workers from spinning against other load). Prints one JSON line per side and seed, then medians.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
train="${1:-5000}" trials="${2:-20}" epochs="${3:-3}" seeds="${4:-3}"
work="$(mktemp -d /tmp/lepton-bench-tune.XXXXXX)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/make_subset.py" "$work/data" --train "$train" --test 1000
lepton_dll="$repo/src/Lepton.Cli/bin/Release/net10.0/lepton.dll"
[ -f "$lepton_dll" ] || dotnet build "$repo/src/Lepton.Cli" -c Release >/dev/null
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
results="$work/results.jsonl"
for seed in $(seq 0 $((seeds - 1))); do
  # Alternate which side goes first from seed to seed.
  if [ $((seed % 2)) -eq 0 ]; then order="lepton optuna"; else order="optuna lepton"; fi
  for side in $order; do
    if [ "$side" = lepton ]; then
      start=$(date +%s.%N)
      LEPTON_HOME="$work/home" dotnet "$lepton_dll" tune --data-dir "$work/data" --model mlp --space "$here/space.yaml" \
        --trials "$trials" --min-epochs 1 --max-epochs "$epochs" --eta 3 --validation-split 0.1 --seed "$seed" \
        --study "bench-$seed" --threads 1 --json > "$work/lepton-$seed.json"
      end=$(date +%s.%N)
      /usr/bin/python3 - "$work/lepton-$seed.json" "$seed" "$start" "$end" >> "$results" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
best = next(t for t in o["trials"] if t["number"] == o["best"])
print(json.dumps({"side": "lepton", "seed": int(sys.argv[2]), "best_value": o["best_value"], "best_params": best["parameters"],
                  "test_accuracy": best["metrics"].get("test_accuracy"), "epochs": o["epochs_spent"],
                  "pruned": sum(t["status"] == "pruned" for t in o["trials"]), "seconds": round(o["elapsed_seconds"], 2),
                  "process_seconds": round(float(sys.argv[4]) - float(sys.argv[3]), 2)}))
PY
    else
      /usr/bin/python3 "$here/optuna_tune.py" --data-dir "$work/data" --trials "$trials" --max-epochs "$epochs" --seed "$seed" --threads 1 >> "$results"
    fi
    tail -n 1 "$results"
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for side in ("lepton", "optuna"):
    r = [x for x in rows if x["side"] == side]
    med = lambda k: statistics.median(x[k] for x in r if x.get(k) is not None)
    print(f"{side}: median best val accuracy {med('best_value'):.4f}, test accuracy of best {med('test_accuracy'):.4f}, "
          f"epochs {med('epochs'):.0f}, seconds {med('seconds'):.1f} over {len(r)} seeds")
PY
