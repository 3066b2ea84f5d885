#!/usr/bin/env bash
# Wall time as a user runs it, import included: Lepton's `lepton data import` + `lepton train` processes against one Python
# process per reference learner (XGBoost hist on 2 threads, scikit-learn HistGradientBoosting and LogisticRegression/Ridge),
# on one fixed split: scikit-learn's bundled tables (bench/tables/split.py) and Fashion-MNIST as 784 pixel columns
# (bench/tables/fashion_csv.py, from Debian's dataset-fashion-mnist). Sides alternate; the table shows medians.
# Usage: bench/tables/wall.sh [rounds=3] [fashion_rounds=1] [fashion_trees=10]   (from the repository root)
#   fashion_rounds=0 leaves Fashion-MNIST out. fashion_trees caps XGBoost's n_estimators, HistGradientBoosting's max_iter
#   and Lepton's --trees alike (boosting rounds of 10 trees each, one per class).
set -euo pipefail
rounds=${1:-3}
fashion_rounds=${2:-1}
fashion_trees=${3:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || { echo "needs Debian's dataset-fashion-mnist: sudo apt-get install -y dataset-fashion-mnist" >&2; exit 2; }
/usr/bin/python3 bench/tables/split.py "$dir" >/dev/null
# The command as users get it: ./lepton builds the CLI ReadyToRun into .build/cli; run without the script's staleness check.
./lepton --version >/dev/null
export LEPTON_CLI="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
small="gbdt+logistic+mlp+auto:xgboost+sklearn_hgb+sklearn_linear"
/usr/bin/python3 bench/tables/wall.py "$dir" "$rounds" "breast_cancer:$small" "wine:$small" \
  "diabetes:gbdt+linear+mlp+auto:xgboost+sklearn_hgb+sklearn_linear"
if [ "$fashion_rounds" -gt 0 ]; then
  /usr/bin/python3 bench/tables/fashion_csv.py "$dir" >/dev/null
  # LightGBM's learning rate set to XGBoost's default (0.3) so that the same number of rounds does the same amount of work.
  /usr/bin/python3 bench/tables/wall.py "$dir" "$fashion_rounds" \
    "fashion_mnist:gbdt:xgboost+sklearn_hgb+sklearn_linear:$fashion_trees:--trees $fashion_trees --lr 0.3"
fi
