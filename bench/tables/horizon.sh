#!/usr/bin/env bash
# Forecasting DAYS days ahead step by step (bench/tables/forecast.py's demand, 6 stores x 20 items x 365 days, the last DAYS days'
# units emptied): Lepton's data lags + gbdt + `predict --data V --rows unlabelled` against pandas lags + scikit-learn's
# HistGradientBoosting in a recursive loop, scored against the emptied days' actual units.
# Usage: bench/tables/horizon.sh [rounds=3] [days=14]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
days=${2:-14}
source bench/tables/harness.sh
table_bench forecast.py 365 horizon_bench.py "$rounds" "$days"
