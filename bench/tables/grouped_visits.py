# A table of repeated customers for the grouped hold-out measurement in bench/RESULTS.md: each customer has a habit no
# feature records, so rows of one customer resemble each other; writes visits.csv (2,819 rows of 400 customers).
import numpy as np, pandas as pd
rng=np.random.default_rng(7)
rows=[]
for c in range(400):
    effect=rng.normal(0,1.0)          # a customer's own habit, not in any feature
    base_age=rng.integers(18,80); plan=rng.choice(["basic","pro","team"])
    for k in range(rng.integers(3,12)):
        usage=rng.gamma(2,20)+effect*15
        x=0.03*usage-1.2+(plan=="pro")*0.5+effect*1.5+rng.normal(0,0.5)
        rows.append(dict(customer=f"C{c:04d}",age=int(base_age),plan=plan,usage=round(float(usage),1),month=int(k),churned="yes" if x>0 else "no"))
pd.DataFrame(rows).to_csv("visits.csv",index=False)
print(len(rows))
