"""Writes credit.csv for bench/tables/credit.sh: N loan applicants (default 60,000; seeded), their income, debt ratio, age,
late payments, home and guarantor, and whether they defaulted. The log-odds of default fall with income and age, rise with the
debt ratio and late payments, and fall with a guarantor, plus noise: the true risk is monotone in every number, so the wiggles an
unconstrained model finds are noise. A `split` column holds every fourth row out as test, the same rows on every side.
  /usr/bin/python3 bench/tables/credit.py [N]"""
import sys

import numpy as np
import pandas as pd

n = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
rng = np.random.default_rng(17)
income = rng.lognormal(10.5, 0.5, n).round(0)
debt = rng.uniform(0, 0.8, n).round(3)
age = rng.integers(21, 75, n)
late = rng.poisson(0.6, n)
home = rng.choice(["rent", "own", "mortgage"], n, p=[0.4, 0.25, 0.35])
guarantor = rng.random(n) < 0.15
z = (-1.0 - 0.9 * (np.log(income) - 10.5) + 3.2 * debt + 0.55 * np.minimum(late, 4) - 0.015 * (age - 45)
     + np.where(home == "rent", 0.4, 0) - 0.6 * guarantor + rng.normal(0, 1.0, n))
default = np.where(rng.random(n) < 1 / (1 + np.exp(-z)), "yes", "no")
pd.DataFrame({"applicant": [f"A{i:06d}" for i in range(n)], "income": income, "debt_ratio": debt, "age": age,
              "late_payments": late, "home": home, "guarantor": np.where(guarantor, "true", "false"), "default": default,
              "split": np.where(np.arange(n) % 4 == 0, "test", "train")}).to_csv("credit.csv", index=False)
print(f"credit.csv: {n} rows, {np.mean(default == 'yes'):.1%} defaults")
