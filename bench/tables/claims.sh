#!/usr/bin/env bash
# Claim frequency with exposures as row weights (bench/tables/claims.py: a freMTPL2-shaped motor portfolio, 100,000 policies):
# Lepton's `train --loss poisson --weight-column exposure` (gbdt, the linear GLM and auto, and gbdt unweighted) against XGBoost's
# count:poisson, scikit-learn's HistGradientBoosting (poisson) and PoissonRegressor, each with sample_weight=exposure, on the
# latest 20% of policies. Wall time includes import (Lepton) and reading the CSV (Python).
# Usage: bench/tables/claims.sh [rounds=3] [rows=100000] [only]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
rows=${2:-100000}
source bench/tables/harness.sh
table_bench claims.py "$rows" claims_bench.py "$rounds" "${3:-}"
