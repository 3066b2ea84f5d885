#!/usr/bin/env bash
# Demand counts (units sold per store, item and day over two years, 175,200 rows, bench/tables/demand.py): Lepton's --loss
# poisson (gbdt, the linear GLM and the MLP) and --loss quantile=0.9 against XGBoost's count:poisson, scikit-learn's
# HistGradientBoosting (poisson, quantile 0.9) and PoissonRegressor, on the latest 20% of days. Wall time includes import
# (Lepton) and reading the CSV (Python). Usage: bench/tables/demand.sh [rounds=3] [days=730] [only]   (from the repository root;
# only: run the sides whose name holds this text, e.g. "quantile")
set -euo pipefail
rounds=${1:-3}
days=${2:-730}
source bench/tables/harness.sh
table_bench demand.py "$days" demand_bench.py "$rounds" "${3:-}"
