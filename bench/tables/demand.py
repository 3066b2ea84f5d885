# A demand table for the count-regression measurement in bench/RESULTS.md: units sold per store, item and day over 2023-2024
# (6 stores x 40 items x 730 days = 175,200 rows), Poisson counts around a mean made of the store's and the item's volume,
# the weekday, the season, a promotion and the price; slow items sell 0 on most days. Writes demand.csv in the working
# folder (DAYS days when given: bench/tables/demand.py [DAYS]).
import sys
import numpy as np, pandas as pd
rng = np.random.default_rng(7)
days = int(sys.argv[1]) if len(sys.argv) > 1 else 730
stores, items = 6, 40
store_level = rng.normal(0, 0.4, stores)
item_level = rng.normal(0.3, 1.1, items)  # from a few units a week to dozens a day
item_season = rng.normal(0, 0.35, items)  # summer items and winter items
item_price = np.round(rng.lognormal(1.5, 0.6, items), 2)
elasticity = rng.uniform(0.8, 2.2, items)
weekday_effect = np.array([-0.15, -0.2, -0.1, 0.0, 0.2, 0.45, 0.3])
dates = np.datetime64("2023-01-01") + np.arange(days)
d, s, i = np.meshgrid(np.arange(days), np.arange(stores), np.arange(items), indexing="ij")
d, s, i = d.ravel(), s.ravel(), i.ravel()
weekday = (dates[d].astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday (1970-01-01 was a Thursday)
season = np.cos(2 * np.pi * (d - 196) / 365.25)  # +1 mid-July, -1 mid-January
promo = rng.random(d.size) < 0.08
discount = np.where(promo, rng.uniform(0.1, 0.35, d.size), 0.0)
price = np.round(item_price[i] * (1 - discount) * rng.normal(1, 0.02, d.size), 2)
temperature = np.round(12 + 10 * season + rng.normal(0, 3, d.size), 1)
trend = 0.15 * d / 365.0
log_mu = (store_level[s] + item_level[i] + weekday_effect[weekday] + item_season[i] * season + 0.5 * promo
          - elasticity[i] * np.log(price / item_price[i]) + 0.02 * (temperature - 12) * (item_season[i] > 0) + trend)
units = rng.poisson(np.exp(log_mu))
df = pd.DataFrame(dict(date=dates[d].astype(str), store=[f"S{v + 1:02d}" for v in s], item=[f"I{v + 1:03d}" for v in i],
                       price=price, promo=np.where(promo, "true", "false"), temperature=temperature, units=units))
df.to_csv("demand.csv", index=False)
print(f"demand.csv: {len(df):,} rows, mean {units.mean():.2f} units, {np.mean(units == 0):.1%} zeros, max {units.max()}")
