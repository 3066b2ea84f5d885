#!/usr/bin/env bash
# Conformal intervals on demand counts (bench/tables/demand.py: units sold per store, item and day, 175,200 rows): the latest
# 20% of days as test, the 20% before them as the held-out rows the intervals are fitted on, the rest to train. Lepton's
# `train --intervals 0.9` (gbdt with squared error, its conformalized 0.05 and 0.95 quantiles, Poisson, and the conformalized 0.9 quantile) against scikit-learn's
# HistGradientBoosting with split conformal on the same rows (absolute residuals, and conformalized quantile regression of
# the 0.05 and 0.95 quantiles, Romano et al. 2019). Wall time includes import (Lepton) and reading the CSV (Python).
# Usage: bench/tables/intervals.sh [rounds=3] [days=730] [only]   (from the repository root)
set -euo pipefail
rounds=${1:-3}
days=${2:-730}
source bench/tables/harness.sh
table_bench demand.py "$days" intervals_bench.py "$rounds" "${3:-}"
