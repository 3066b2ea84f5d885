#!/usr/bin/env bash
# Tabular learners against XGBoost and scikit-learn on one fixed split of scikit-learn's bundled tables.
# Usage: bench/tables/run.sh [rounds=3] [reps=5]   (from the repository root; needs python3-sklearn and python3-xgboost)
# Each round runs the reference side then the Lepton side (alternating); each side fits every learner once to warm up,
# then REPS times; the table shows the test score and the median over rounds of each side's median fit time.
set -euo pipefail
rounds=${1:-3}
reps=${2:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1
/usr/bin/python3 bench/tables/split.py "$dir/data" >/dev/null
dotnet build bench/Lepton.Bench -c Release -v q -nologo >/dev/null
bin=bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll
for round in $(seq 1 "$rounds"); do
  /usr/bin/python3 bench/tables/reference.py "$dir/data" "$reps" | grep '^RESULT ' >> "$dir/results.txt"
  dotnet "$bin" tables "$dir/data" "$reps" | grep '^RESULT ' >> "$dir/results.txt"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$dir/results.txt" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line[len("RESULT "):])
    rows.setdefault((r["dataset"], r["side"], r["learner"]), []).append(r)
print(f"| data set | side | learner | metric | score | fit ms (median) |")
print(f"|---|---|---|---|---|---|")
for (ds, side, learner), rs in sorted(rows.items()):
    score = rs[0]["score"]
    ms = statistics.median(r["train_ms"] for r in rs)
    name = f"{learner} ({rs[0]['model']})" if learner == "auto" else learner
    print(f"| {ds} | {side} | {name} | {rs[0]['metric']} | {score:.4f} | {ms:.1f} |")
PY
