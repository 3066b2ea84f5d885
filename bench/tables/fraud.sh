#!/usr/bin/env bash
# A rare positive class (2.2% fraud in 40,000 card transactions over 90 days, bench/tables/fraud.py): Lepton choosing the
# decision threshold on held-out rows (--threshold f1) against XGBoost and scikit-learn given the same rule on the same
# forward-in-time folds, on the latest 20% of rows. Wall time includes import (Lepton) and reading the CSV (Python).
# Usage: bench/tables/fraud.sh [rounds=3]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
source bench/tables/harness.sh
table_bench fraud.py "" fraud_bench.py "$rounds"
