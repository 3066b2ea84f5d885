# An imbalanced table for the fraud measurement in bench/RESULTS.md: card transactions over 90 days, about 2% fraud,
# the fraud signal spread over amount, hour, merchant, distance and the card's recent activity (no single column gives
# it away). Writes fraud.csv (40,000 rows) in the working folder.
import numpy as np, pandas as pd
rng = np.random.default_rng(11)
n = 40_000
merchants = ["grocery", "fuel", "online", "travel", "electronics", "restaurant", "pharmacy", "jewelry", "gaming", "clothing"]
risk = dict(grocery=-1.0, fuel=-0.3, online=0.6, travel=0.4, electronics=0.9, restaurant=-0.8, pharmacy=-0.9, jewelry=1.2, gaming=1.0, clothing=0.0)
t0 = np.datetime64("2024-01-01T00:00:00")
seconds = np.sort(rng.integers(0, 90 * 86400, n))
amount = np.round(rng.lognormal(3.5, 1.1, n), 2)
merchant = rng.choice(merchants, n, p=[.2, .12, .18, .05, .07, .15, .08, .02, .05, .08])
hour = (seconds % 86400) // 3600
account_age = rng.gamma(2.0, 400, n).astype(int)
recent = rng.poisson(2, n)
distance = np.round(rng.exponential(15, n), 1)
card_present = rng.random(n) < 0.6
night = ((hour < 5) | (hour >= 23)).astype(float)
z = (-8.2 + 0.8 * np.log1p(amount) + 1.6 * np.vectorize(risk.get)(merchant) + 2.0 * night
     - 0.002 * account_age + 0.45 * recent + 0.035 * distance - 2.0 * card_present
     + 1.5 * (np.log1p(amount) > 5) * (~card_present) + rng.normal(0, 0.5, n))
fraud = rng.random(n) < 1 / (1 + np.exp(-z))
df = pd.DataFrame(dict(
    txn_id=[f"T{i:06d}" for i in range(n)],
    time=(t0 + seconds.astype("timedelta64[s]")).astype(str),
    amount=amount, merchant=merchant, hour=hour, account_age_days=account_age,
    txns_last_24h=recent, distance_km=distance, card_present=np.where(card_present, "true", "false"),
    fraud=np.where(fraud, "yes", "no")))
df.loc[rng.random(n) < 0.03, "distance_km"] = np.nan
df.to_csv("fraud.csv", index=False)
print(n, "rows,", int(fraud.sum()), "fraud", f"({fraud.mean():.2%})")
