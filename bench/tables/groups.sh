#!/usr/bin/env bash
# A credit model's decisions across groups (bench/tables/credit.py, 60,000 applicants, every fourth row test): `lepton eval
# --groups home,age --favorable no` on gbdt trained with every column, with --exclude home,age, and with --reweigh home too; its figures held to the same rates
# computed in Python (scikit-learn's confusion_matrix, scipy's chi2_contingency) from the model's own scored test rows; XGBoost
# (hist, 2 threads) trained with and without those columns on the same split for comparison; and what --groups adds to eval's
# wall time (eval with and without it, alternating).
# Usage: bench/tables/groups.sh [rounds=3] [rows=60000]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
rows=${2:-60000}
source bench/tables/harness.sh
table_bench credit.py "$rows" groups_bench.py "$rounds"
