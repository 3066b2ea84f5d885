#!/usr/bin/env bash
# Credit default with monotone constraints (60,000 applicants, bench/tables/credit.py, every fourth row test): Lepton's gbdt
# with and without --monotone and its logistic --monotone against XGBoost (monotone_constraints), scikit-learn's
# HistGradientBoosting (monotonic_cst) and LogisticRegression: test ROC-AUC, log loss, accuracy, the share of applicants whose
# risk moves against a constrained column somewhere, and wall time (Lepton: import + train; Python: one process each).
# Usage: bench/tables/credit.sh [rounds=3] [rows=60000]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
rows=${2:-60000}
source bench/tables/harness.sh
table_bench credit.py "$rows" credit_bench.py "$rounds"
