"""Writes claims.csv: a motor insurance portfolio shaped like freMTPL2 (the French third-party liability table scikit-learn's
Poisson and Tweedie examples use), made up here since the machine is offline: ROWS policies, each held for part of a year (its
exposure, many under a year), with the driver's age, the vehicle's age and power, the bonus-malus level, the area's density, the
region and the fuel, and the claims of the year as a Poisson count of mean exposure x rate, the rate following a U-shaped
driver age, the bonus-malus, the density, young and powerful vehicles, and the region. The label is the claim frequency
(claims / exposure), the weight the exposure, as an actuary fits it; `start` orders the policies in time.
  /usr/bin/python3 bench/tables/claims.py [ROWS=100000]"""
import sys

import numpy as np

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
rng = np.random.default_rng(11)
driver = rng.integers(18, 91, rows)
vehicle_age = np.minimum(rng.exponential(7, rows).astype(int), 25)
power = rng.integers(4, 16, rows)
bonus = np.clip(np.round(50 + rng.gamma(1.2, 18, rows)), 50, 230).astype(int)
density = np.maximum(1, np.round(np.exp(rng.normal(6, 1.8, rows)))).astype(int)
regions = np.array(["R11", "R24", "R52", "R53", "R72", "R82", "R91", "R93", "R94", "R31"])
region = regions[rng.integers(0, len(regions), rows)]
fuel = np.where(rng.uniform(size=rows) < 0.5, "Diesel", "Regular")
# Short policies are common among young drivers (new contracts), as in freMTPL2 where a third of the exposures are under 0.3.
exposure = np.where(rng.uniform(size=rows) < 0.35 + 0.3 * (driver < 25), rng.uniform(0.01, 0.4, rows), rng.uniform(0.4, 1.0, rows)).round(3)
region_effect = dict(zip(regions, [0.0, 0.15, -0.1, 0.05, 0.2, -0.15, 0.1, 0.25, -0.2, 0.0]))
log_rate = (np.log(0.07) + 0.9 * np.exp(-(driver - 18) / 6) + 0.00012 * (driver - 50) ** 2 + 0.012 * (bonus - 50)
            + 0.06 * (np.log(density) - 6) + 0.25 * (vehicle_age < 2) + 0.04 * (power - 6) * (power > 6)
            + np.vectorize(region_effect.get)(region) + 0.05 * (fuel == "Diesel"))
claims = rng.poisson(exposure * np.exp(log_rate))
start = np.sort(rng.integers(0, 3 * 365, rows))
dates = np.datetime64("2021-01-01") + start.astype("timedelta64[D]")
with open("claims.csv", "w") as f:
    f.write("start,driver_age,vehicle_age,vehicle_power,bonus_malus,density,region,fuel,exposure,frequency\n")
    for i in range(rows):
        f.write(f"{dates[i]},{driver[i]},{vehicle_age[i]},{power[i]},{bonus[i]},{density[i]},{region[i]},{fuel[i]},{exposure[i]},{claims[i] / exposure[i]!r}\n")
print(f"claims.csv: {rows:,} policies, exposure {exposure.sum():,.0f} years, {claims.sum():,} claims ({claims.sum() / exposure.sum():.4f} a year), "
      f"{np.mean(exposure < 0.3):.0%} of exposures under 0.3")
