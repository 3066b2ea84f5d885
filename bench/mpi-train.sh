#!/usr/bin/env bash
# Data-parallel training over Open MPI against one process, same machine, same recipe, sides alternated:
#   A: mpirun -np 2 lepton train --distributed --threads 1   (two ranks, one engine thread each, gradients all-reduced)
#   B: lepton train --threads 2                              (one process, two engine threads)
# Reference CNN on Fashion-MNIST, Adam 1e-3, global batch 64, the given seed. Prints a Markdown table of each run and the medians:
# seconds per epoch, training images/s, test accuracy, and the A/B ratio and accuracy gap.
#   bench/mpi-train.sh [epochs=5] [pairs=1] [model=cnn] [seed=0]
# Then, with `allreduce`, the all-reduce times by message size under mpirun -np 2 over shared memory and over TCP loopback
# (the measured side of the cost model in docs/scaling.md):
#   bench/mpi-train.sh allreduce [reps=200]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v mpirun >/dev/null || { echo "mpi-train.sh: mpirun not found; apt-get install openmpi-bin" >&2; exit 1; }
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)

if [ "${1:-}" = "allreduce" ]; then
  reps="${2:-200}"
  dotnet build "$root/bench/Lepton.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
  bench="$root/bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll"
  echo "## shared memory (Open MPI's default between ranks of one machine), load: $(uptime | sed 's/.*load average: //')"
  "${mpi[@]}" dotnet "$bench" allreduce "$reps" | grep -v '^RESULT'
  echo "## TCP over loopback (--mca btl self,tcp), load: $(uptime | sed 's/.*load average: //')"
  "${mpi[@]}" --mca btl self,tcp dotnet "$bench" allreduce "$reps" | grep -v '^RESULT'
  exit 0
fi

epochs="${1:-5}"
pairs="${2:-1}"
model="${3:-cnn}"
seed="${4:-0}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export LEPTON_HOME="$out/home"
"$root/lepton" --help >/dev/null # build once, before two ranks start
recipe=(train --data fashion-mnist --model "$model" --epochs "$epochs" --batch-size 64 --lr 1e-3 --seed "$seed" --json)

for i in $(seq 1 "$pairs"); do
  # Alternate which side goes first, so drift in the machine's load falls on both.
  for side in $([ $((i % 2)) -eq 1 ] && echo "A B" || echo "B A"); do
    echo "run $i side $side, load: $(uptime | sed 's/.*load average: //')" >&2
    if [ "$side" = A ]; then
      "${mpi[@]}" "$root/lepton" "${recipe[@]}" --threads 1 --distributed --out "$out/A$i" > "$out/A$i.json"
    else
      "$root/lepton" "${recipe[@]}" --threads 2 --out "$out/B$i" > "$out/B$i.json"
    fi
  done
done
echo "load after: $(uptime | sed 's/.*load average: //')" >&2

/usr/bin/python3 - "$out" "$pairs" "$model" "$epochs" <<'PY'
import json, statistics, sys
out, pairs, model, epochs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def load(side, i):
    d = json.load(open(f"{out}/{side}{i}.json"))
    train_ips = statistics.median(e["images_per_second"] for e in d["epochs"])
    return d["seconds_per_epoch"], train_ips, d["test"]["accuracy"]
runs = {s: [load(s, i) for i in range(1, pairs + 1)] for s in "AB"}
name = {"A": "mpirun -np 2, 1 thread each", "B": "1 process, 2 threads"}
print("| side | run | s/epoch | training images/s | test accuracy |")
print("|---|---|---|---|---|")
for s in "AB":
    for i, (spe, ips, acc) in enumerate(runs[s], 1):
        print(f"| {name[s]} | {i} | {spe:.1f} | {ips:.0f} | {acc*100:.2f}% |")
med = {s: [statistics.median(r[k] for r in runs[s]) for k in range(3)] for s in "AB"}
print()
print(f"| {model}, {epochs} epochs, median of {pairs} | s/epoch | training images/s | test accuracy |")
print("|---|---|---|---|")
for s in "AB":
    print(f"| {name[s]} | {med[s][0]:.1f} | {med[s][1]:.0f} | {med[s][2]*100:.2f}% |")
print(f"| ratio A/B | {med['A'][0]/med['B'][0]:.2f}x time | {med['A'][1]/med['B'][1]:.2f}x | {(med['A'][2]-med['B'][2])*100:+.2f} points |")
print()
# The training loss per epoch: equal while both sides take the same steps; float sums in another order (two ranks, two
# threads) part the trajectories slowly, as any change of thread count does.
print("| side | run | training loss by epoch |")
print("|---|---|---|")
for s in "AB":
    for i in range(1, pairs + 1):
        d = json.load(open(f"{out}/{s}{i}.json"))
        print(f"| {name[s]} | {i} | " + ", ".join(f"{e['loss']:.4f}" for e in d["epochs"]) + " |")
PY
