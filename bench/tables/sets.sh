#!/usr/bin/env bash
# Conformal prediction sets for a rare class (2.2% fraud in 40,000 card transactions, bench/tables/fraud.py): the latest 20% of
# rows as test, the 20% before them as the held-out rows the sets are fitted on. Lepton's `train --model gbdt --intervals 0.9`
# with sets over all rows and class by class (--intervals-per-class) against scikit-learn's HistGradientBoosting with the same
# two kinds of sets on the same rows. Wall time includes import (Lepton) and reading the CSV (Python).
# Usage: bench/tables/sets.sh [rounds=3]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
source bench/tables/harness.sh
table_bench fraud.py "" sets_bench.py "$rounds"
