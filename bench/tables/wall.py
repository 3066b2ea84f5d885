"""Wall time as a user runs it, import included, for bench/tables/wall.sh. For each data set and round the two sides
alternate (which goes first alternates too):
  Lepton:    `lepton data import DATA.csv --name N --label-column label --split-column split --task T` then
             `lepton train --data N@1 --model M --json` (which scores the test split; LightGBM picks its threads: one
             below 1M values, every core above), two processes in a fresh LEPTON_HOME each round;
  reference: one `python3 bench/tables/reference_cli.py DATA.csv T LEARNER [ROUNDS]` process per learner (interpreter,
             imports, pandas read, fit, score).
Each figure is the process wall clock (start to exit); the table shows the median over rounds.
  /usr/bin/python3 bench/tables/wall.py DATADIR ROUNDS SPEC [SPEC ...]
SPEC is DATASET:LEPTON_MODELS:REFERENCE_LEARNERS[:ROUNDS[:LEPTON_TRAIN_ARGS]], models and learners separated by '+', e.g.
  wine:gbdt+logistic+auto:xgboost+sklearn_hgb+sklearn_linear
  fashion_mnist:gbdt:xgboost+sklearn_hgb:100:--trees 100 --lr 0.3
LEPTON_CLI (default: dotnet src/Lepton.Cli/bin/Release/net10.0/lepton.dll; wall.sh sets the ReadyToRun build in .build/cli) is the command that runs lepton."""
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

data, rounds, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
lepton = shlex.split(os.environ.get("LEPTON_CLI", "dotnet src/Lepton.Cli/bin/Release/net10.0/lepton.dll"))
tasks = json.load(open(os.path.join(data, "tasks.json")))
env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")


def timed(cmd, extra_env=None):
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(env, **(extra_env or {})))
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return wall, p.stdout


def run_lepton(name, csv, task, model, train_args):
    home = tempfile.mkdtemp(prefix="lepton-wall-")
    try:
        e = {"LEPTON_HOME": home}
        import_s, _ = timed(lepton + ["data", "import", csv, "--name", name, "--label-column", "label", "--split-column", "split",
                                      "--task", "regression" if task == "regression" else "classification", "--json"], e)
        train_s, out = timed(lepton + ["train", "--data", f"{name}@1", "--model", model, "--json"] + train_args, e)
        r = json.loads(out.strip().splitlines()[-1])
        metrics = r["metrics"]
        score = metrics.get("test_accuracy", metrics.get("test_rmse"))
        return {"side": "lepton", "learner": model, "chosen": r["learner"], "score": score, "import_s": import_s, "train_s": train_s,
                "wall_s": import_s + train_s, "test_rows": r["test_rows"]}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run_reference(csv, task, learner, cap):
    wall, out = timed([sys.executable, "bench/tables/reference_cli.py", csv, task, learner] + ([str(cap)] if cap else []))
    r = json.loads([l for l in out.splitlines() if l.startswith("RESULT ")][-1][len("RESULT "):])
    return {"side": "reference", "learner": learner, "chosen": learner, "score": r["score"], "read_s": r["read_s"], "fit_s": r["fit_s"],
            "wall_s": wall, "test_rows": r["test_rows"]}


results = []
for spec in specs:
    parts = spec.split(":")
    name, models, learners = parts[0], parts[1].split("+"), parts[2].split("+")
    cap = int(parts[3]) if len(parts) > 3 and parts[3] else None
    train_args = shlex.split(parts[4]) if len(parts) > 4 else []
    task = tasks[name]["task"]
    csv = os.path.join(data, f"{name}.csv")
    for rnd in range(rounds):
        sides = [("lepton", m) for m in models], [("reference", l) for l in learners]
        for side in (sides if rnd % 2 == 0 else sides[::-1]):
            for kind, what in side:
                r = run_lepton(name.replace("_", "-"), csv, task, what, train_args) if kind == "lepton" else run_reference(csv, task, what, cap)
                r.update(dataset=name, round=rnd, metric="rmse" if task == "regression" else "accuracy", cap=cap)
                print("RESULT " + json.dumps(r), flush=True)
                results.append(r)

print(f"load average after: {' '.join(open('/proc/loadavg').read().split()[:3])}")
print("| data set | side | learner | test score | wall s (median) | of which import s / read s | rounds |")
print("|---|---|---|---:|---:|---:|---:|")
groups = {}
for r in results:
    groups.setdefault((r["dataset"], r["side"], r["learner"]), []).append(r)
for (ds, side, learner), rs in groups.items():
    chosen = {r["chosen"] for r in rs}
    label = learner if chosen == {learner} else f"{learner} (chose {', '.join(sorted(chosen))})"
    scores = sorted({round(r["score"], 4) for r in rs})
    part = statistics.median(r["import_s"] if side == "lepton" else r["read_s"] for r in rs)
    print(f"| {ds} | {side} | {label} | {', '.join(f'{s:.4f}' for s in scores)} | {statistics.median(r['wall_s'] for r in rs):.2f} | {part:.2f} | {len(rs)} |")
