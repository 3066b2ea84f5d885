#!/usr/bin/env bash
# Calibrated probabilities of a rare class (2.2% fraud in 40,000 card transactions over 90 days, bench/tables/fraud.py): gbdt
# trained with balanced class weights (which put its probabilities far above the rate of fraud), uncalibrated and calibrated by
# `--calibrate sigmoid|isotonic` on forward-in-time out-of-fold predictions, against XGBoost and scikit-learn's
# HistGradientBoosting given the same weights, folds and scikit-learn's own calibration maps, on the latest 20% of rows.
# Wall time includes import (Lepton) and reading the CSV (Python).
# Usage: bench/tables/calibration.sh [rounds=3]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
source bench/tables/harness.sh
table_bench fraud.py "" calibration_bench.py "$rounds"
