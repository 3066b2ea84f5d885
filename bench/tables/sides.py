"""Shared by the table benchmark drivers (credit_bench.py, demand_bench.py): run a command or exit with its output, and run
Lepton's and the references' sides for a number of rounds, alternating which goes first, keeping every run's results."""
import json
import statistics
import subprocess
import sys


def run(cmd, env=None):
    """The command's stdout; exits the benchmark with its output when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}\n{done.stdout}")
    return done.stdout


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
