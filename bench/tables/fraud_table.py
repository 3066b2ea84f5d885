"""The fraud table of bench/tables/fraud.py as the Python references of fraud.sh and calibration.sh read it, and as both drivers run
Lepton on it: the latest 20% of rows by time are the test rows (as `lepton data split --test 0.2` keeps them for a table imported
with `--time-column time`)."""
import os
import subprocess
import sys
import time


def matrices(path):
    """(training features, test features, training labels): six numeric columns and the merchant one-hot, float32; labels 0/1."""
    import numpy as np
    import pandas as pd
    frame = pd.read_csv(path).sort_values("time", kind="stable")
    x = frame[["amount", "hour", "account_age_days", "txns_last_24h", "distance_km"]].astype(float)
    x["card_present"] = frame["card_present"].astype(str).str.lower().eq("true").astype(float)
    x = pd.concat([x, pd.get_dummies(frame["merchant"], prefix="m").astype(float)], axis=1)
    y = frame["fraud"].eq("yes").to_numpy().astype(int)
    cut = len(frame) - int(round(len(frame) * 0.2))
    return x.iloc[:cut].to_numpy(np.float32), x.iloc[cut:].to_numpy(np.float32), y[:cut]


def write_test_csv(folder, csv):
    """DIR/test.csv: the header and the latest 20% of fraud.csv's rows (fraud.py writes them in time order)."""
    lines = open(csv).read().splitlines()
    rows = round((len(lines) - 1) * 0.2)
    path = os.path.join(folder, "test.csv")
    open(path, "w").write("\n".join([lines[0]] + lines[-rows:]) + "\n")
    return path


def run(cmd, env=None):
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}\n{done.stdout}")
    return done.stdout


def lepton(cli, csv, home, train_args, test_csv):
    """Import, split and train in fresh processes with LEPTON_HOME=home (timed together), then predict the test rows: (model folder, scored CSV, seconds)."""
    env = dict(os.environ, LEPTON_HOME=home)
    model = os.path.join(home, "model")
    start = time.perf_counter()
    run(cli + ["data", "import", csv, "--name", "fraud", "--label-column", "fraud", "--time-column", "time", "--json"], env)
    run(cli + ["data", "split", "fraud@1", "--test", "0.2", "--json"], env)
    run(cli + ["train", "--data", "fraud@2", *train_args, "--out", model, "--json"], env)
    seconds = time.perf_counter() - start
    scored = os.path.join(home, "scored.csv")
    run(cli + ["predict", "--model", model, "--input", test_csv, "--output", scored], env)
    return model, scored, seconds
