#!/usr/bin/env bash
# Lepton's learners against XGBoost and scikit-learn on a mixed table (gaps, categories, a date, an identifier:
# bench/tables/mixed.py), on one fixed split, through the CLI as a user runs it: `lepton data import --split-column split`
# and `lepton train --model M` for each learner, then the reference learners. Prints test accuracy per learner.
# Usage: bench/tables/mixed.sh   (from the repository root; needs python3-sklearn, python3-xgboost, python3-pandas)
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 bench/tables/mixed.py write "$dir"
./lepton --version >/dev/null
cli="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
export LEPTON_HOME="$dir/home"
$cli data import "$dir/loans.csv" --name loans --label-column default --split-column split --json >/dev/null
for model in gbdt logistic mlp auto; do
  $cli train --data loans@1 --model "$model" --threads 2 --json > "$dir/$model.json"
  /usr/bin/python3 - "$dir/$model.json" "$model" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
metrics = r["metrics"]
learner, accuracy = r["learner"], metrics.get("test_accuracy", float("nan"))
print(f"lepton {sys.argv[2]:<14} chose {learner:<14} test accuracy {accuracy:.4f}")
PY
done
/usr/bin/python3 bench/tables/mixed.py reference "$dir" | sed 's/^RESULT //' | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    learner, score, fit = r["learner"], r["score"], r["fit_s"]
    print(f"reference {learner:<14} test accuracy {score:.4f}  fit {fit:.2f} s")'
