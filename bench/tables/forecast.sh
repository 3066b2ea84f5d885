#!/usr/bin/env bash
# Forecasting daily demand whose level carries over from day to day (bench/tables/forecast.py: 6 stores x 20 items x DAYS days):
# Lepton's `data lags --by store,item --lags 1,7,14 --rolling 7,28` + gbdt poisson (and the calendar alone) against scikit-learn's
# HistGradientBoosting and XGBoost on the same lags made in pandas, on the latest fifth of the days. Wall time includes import
# and the lags (Lepton) and reading the CSV and making the lags (Python).
# Usage: bench/tables/forecast.sh [rounds=3] [days=365] [only]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
days=${2:-365}
source bench/tables/harness.sh
table_bench forecast.py "$days" forecast_bench.py "$rounds" "${3:-}"
