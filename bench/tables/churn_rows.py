"""Writes the synthetic churn table of bench/serve-table.sh: WORK/churn.csv (1,000 rows, seeded), WORK/row.json and
WORK/row.jsonl (one fresh row as a client sends it).  python3 bench/tables/churn_rows.py WORK"""
import json, random, sys

work = sys.argv[1]
rng = random.Random(1)


def row():
    age = None if rng.random() < 0.1 else 18 + rng.randrange(60)
    plan = rng.choice(["basic", "pro", "team"])
    signup = f"2022-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}T{rng.randrange(24):02d}:00:00Z"
    monthly = round(20 + rng.random() * 60, 2)
    risk = (1.2 if plan == "basic" else 0) + (0.8 if age is not None and age < 30 else 0) + (0.9 if monthly > 60 else 0) + rng.random() * 0.8
    return {"age": age, "plan": plan, "signup": signup, "monthly": monthly}, "yes" if risk > 1.2 else "no"


with open(f"{work}/churn.csv", "w") as f:
    f.write("customer_id,age,plan,signup,monthly,churn\n")
    for i in range(1000):
        r, label = row()
        f.write(f"c{i},{'' if r['age'] is None else r['age']},{r['plan']},{r['signup']},{r['monthly']},{label}\n")
r, _ = row()
r["age"] = 41
json.dump(r, open(f"{work}/row.json", "w"))
open(f"{work}/row.jsonl", "w").write(json.dumps(r) + "\n")
