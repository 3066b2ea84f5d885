#!/usr/bin/env bash
# Free text as table features (bench/tables/tickets.py: 6,000 support tickets, a message column): Lepton's `data import
# --split-column split` + `train --model gbdt|logistic` against scikit-learn given the same TF-IDF featurization
# (bench/tables/tickets_reference.py), on the same fixed test rows; wall time of the whole commands, sides alternating, medians.
# Usage: bench/tables/tickets.sh [rounds=3]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && /usr/bin/python3 "$OLDPWD/bench/tables/tickets.py" >/dev/null)
./lepton --version >/dev/null
cli="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  # Alternate: Lepton first in odd rounds, scikit-learn first in even ones.
  sides="lepton-gbdt lepton-logistic sklearn-hgb sklearn-logistic"
  [ $((r % 2)) -eq 0 ] && sides="sklearn-hgb sklearn-logistic lepton-gbdt lepton-logistic"
  for side in $sides; do
    start=$(date +%s.%N)
    case $side in
      lepton-*)
        home="$dir/home-$r-$side"
        acc=$(LEPTON_HOME="$home" bash -c "$cli data import '$dir/tickets.csv' --name tickets --label-column escalated --split-column split --json >/dev/null &&
              $cli train --data tickets@1 --model ${side#lepton-} --out '$home/model' --json" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['metrics']['test_accuracy'])") ;;
      sklearn-*)
        acc=$(/usr/bin/python3 bench/tables/tickets_reference.py "$dir/tickets.csv" "${side#sklearn-}" | sed -n 's/^RESULT //p' | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['accuracy'])") ;;
    esac
    end=$(date +%s.%N)
    echo "round $r $side accuracy $acc seconds $(echo "$end - $start" | bc)"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
