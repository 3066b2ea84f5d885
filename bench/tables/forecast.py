# A daily demand table whose level carries over from day to day, for the forecasting measurement in bench/RESULTS.md: units sold
# per store, item and day (6 stores x 20 items x DAYS days, oldest first), Poisson counts around a mean made of the store's and the
# item's volume, the weekday, a promotion and a slowly wandering demand state per store and item (an AR(1) walk on the log scale),
# which only the recent past reveals. Writes forecast.csv in the working folder (bench/tables/forecast.py [DAYS=365]).
import sys
import numpy as np, pandas as pd
rng = np.random.default_rng(11)
days = int(sys.argv[1]) if len(sys.argv) > 1 else 365
stores, items = 6, 20
store_level = rng.normal(0, 0.3, stores)
item_level = rng.normal(1.2, 0.8, items)
weekday_effect = np.array([-0.15, -0.2, -0.1, 0.0, 0.2, 0.45, 0.3])
state = np.zeros((stores, items))
rows = []
start = np.datetime64("2024-01-01")
for d in range(days):
    state = 0.93 * state + rng.normal(0, 0.12, (stores, items))
    weekday = (int((start + d).astype("datetime64[D]").view("int64")) - 4) % 7
    promo = rng.random((stores, items)) < 0.08
    log_mu = store_level[:, None] + item_level[None, :] + weekday_effect[weekday] + state + 0.5 * promo
    units = rng.poisson(np.exp(log_mu))
    date = str(start + d)
    for s in range(stores):
        for i in range(items):
            rows.append((date, f"S{s + 1:02d}", f"I{i + 1:03d}", "true" if promo[s, i] else "false", int(units[s, i])))
pd.DataFrame(rows, columns=["date", "store", "item", "promo", "units"]).to_csv("forecast.csv", index=False)
