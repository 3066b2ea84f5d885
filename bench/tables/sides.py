"""Shared by the table benchmark drivers (claims_bench.py, credit_bench.py, demand_bench.py, intervals_bench.py, sets_bench.py): run a command or
exit with its output, run Lepton from import to scored test rows, and run
Lepton's and the references' sides for a number of rounds, alternating which goes first, keeping every run's results."""
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def driver_arguments(file_name):
    """A driver's command line, DIR ROUNDS [ONLY]: (DIR/FILE_NAME, DIR, ROUNDS, ONLY or "", the Lepton command from $LEPTON_CLI)."""
    folder, rounds = sys.argv[1], int(sys.argv[2])
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    return os.path.join(folder, file_name), folder, rounds, only, shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))


def latest_rows(csv, folder, share=0.2):
    """Writes the latest SHARE of CSV's rows (the file runs oldest first) with its header to FOLDER/test.csv, the rows
    `lepton data split --test 0.2` holds out of a table with a time column: (test.csv's path, those rows' lines)."""
    lines = open(csv).read().splitlines()
    count = round((len(lines) - 1) * share)
    test_csv = os.path.join(folder, "test.csv")
    open(test_csv, "w").write("\n".join([lines[0]] + lines[-count:]) + "\n")
    return test_csv, lines[-count:]


def timed(cmd, env=None):
    """Runs the command (as run does) and returns its wall seconds."""
    start = time.perf_counter()
    run(cmd, env)
    return time.perf_counter() - start


def timed_rate(cmd, rows, env=None):
    """Runs the command (as run does): {seconds, rows_per_second} for ROWS rows."""
    seconds = timed(cmd, env)
    return dict(seconds=seconds, rows_per_second=rows / seconds)


def print_rates(medians, title):
    """The median table of sides measured by timed_rate (markdown), under TITLE."""
    print(f"\n{title}")
    print("\n| side | wall s (median) | rows per second |")
    print("|---|---:|---:|")
    for name, m in medians.items():
        print(f"| {name} | {m['seconds']:.2f} | {m['rows_per_second']:,.0f} |")


def run(cmd, env=None):
    """The command's stdout; exits the benchmark with its output when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}\n{done.stdout}")
    return done.stdout


def lepton_scored(cli, home, csv, name, label, time_column, train_args, test_csv):
    """Lepton as a user runs it, each command a fresh process with LEPTON_HOME=home: `data import` (ordered by the time column),
    `data split --test 0.2 --validation 0.2` (the latest rows test, those before them validation), `train` (timed with the two
    before), then `predict --output` on test_csv: (the scored CSV's path, the seconds of import + split + train)."""
    env = dict(os.environ, LEPTON_HOME=home)
    model = os.path.join(home, "model")
    start = time.perf_counter()
    run(cli + ["data", "import", csv, "--name", name, "--label-column", label, "--time-column", time_column, "--json"], env)
    run(cli + ["data", "split", f"{name}@1", "--test", "0.2", "--validation", "0.2", "--json"], env)
    run(cli + ["train", "--data", f"{name}@2", *train_args, "--out", model, "--json"], env)
    seconds = time.perf_counter() - start
    scored = os.path.join(home, "scored.csv")
    run(cli + ["predict", "--model", model, "--input", test_csv, "--output", scored], env)
    return scored, seconds


def alternate(lepton, references, rounds):
    """lepton, references: {name: fn(round) -> {metric: value}}. Lepton's sides go first in even rounds, the references' in odd
    ones; prints one line per run and returns {name: {metric: median over the rounds}} in side order."""
    sides = list(lepton.items()) + list(references.items())
    results = {}
    for r in range(rounds):
        order = sides if r % 2 == 0 else sides[len(lepton):] + sides[:len(lepton)]
        for name, fn in order:
            res = fn(r)
            results.setdefault(name, []).append(res)
            print(f"round {r + 1} {name}: " + json.dumps({k: round(v, 4) for k, v in res.items()}), flush=True)
    return {name: {k: statistics.median(x[k] for x in results[name]) for k in results[name][0]} for name, _ in sides}
