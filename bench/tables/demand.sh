#!/usr/bin/env bash
# Demand counts (units sold per store, item and day over two years, 175,200 rows, bench/tables/demand.py): Lepton's --loss
# poisson (gbdt, the linear GLM and the MLP) and --loss quantile=0.9 against XGBoost's count:poisson, scikit-learn's
# HistGradientBoosting (poisson, quantile 0.9) and PoissonRegressor, on the latest 20% of days. Wall time includes import
# (Lepton) and reading the CSV (Python). Usage: bench/tables/demand.sh [rounds=3] [days=730] [only]   (from the repository root;
# only: run the sides whose name holds this text, e.g. "quantile")
set -euo pipefail
rounds=${1:-3}
days=${2:-730}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && /usr/bin/python3 "$OLDPWD/bench/tables/demand.py" "$days")
./lepton --version >/dev/null
export LEPTON_CLI="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/tables/demand_bench.py "$dir" "$rounds" "${3:-}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
