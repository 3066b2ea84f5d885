"""Writes customers.csv beside this file: 2,000 synthetic telecom customers with the columns that make tables hard (an
identifier, an age left blank for some, a plan, a sign-up date, a monthly charge with a few outliers, a free-form region)
and whether they left. Run with any Python 3: python3 make_customers.py"""
import csv
import os
import random

rng = random.Random(7)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "customers.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "age", "plan", "region", "signup", "monthly", "support_calls", "churned"])
    for i in range(2000):
        age = rng.randint(18, 80)
        plan = rng.choice(["basic", "basic", "pro", "team"])
        region = rng.choice(["north", "south", "east", "west"])
        signup = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        monthly = round(rng.uniform(15, 90) * (3 if rng.random() < 0.01 else 1), 2)
        calls = min(9, int(rng.expovariate(0.7)))
        risk = (0.9 if plan == "basic" else 0) + (0.6 if age < 30 else 0) + 0.25 * calls + (0.5 if monthly > 60 else 0) + rng.gauss(0, 0.4)
        w.writerow([f"c{100000 + i}", "" if rng.random() < 0.08 else age, plan, region, signup, monthly, calls,
                    "yes" if risk > 1.4 else "no"])
