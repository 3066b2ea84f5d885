#!/usr/bin/env bash
# Load benchmark: `lepton serve` vs the Python reference server (FastAPI + uvicorn + PyTorch, bench/reference/serve_fastapi.py)
# with the same Fashion-MNIST CNN weights and the same OIP v2 JSON request (784 floats), both driven by wrk at 1, 16 and 64
# connections. Each cell runs ROUNDS times, alternating the two servers, and reports each server's median run (by
# requests/s), so a slow spell of the shared machine does not land on one server only. Prints requests/s, p50 and p99
# for both and the ratios, and appends a dated section to bench/RESULTS.md.
#   bench/serve-compare.sh [seconds-per-run (15)] [rounds (3)]
#   LEPTON_BENCH_MODEL=folder reuses a trained model; LEPTON_CLI="dotnet path/lepton.dll" runs another build.
# Needs wrk, python3-fastapi, python3-uvicorn, python3-torch, dataset-fashion-mnist (apt-get install ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
seconds="${1:-15}"
rounds="${2:-3}"
lport="${LEPTON_BENCH_PORT:-18090}"
rport=$((lport + 1))

model="$(model_folder)"
"${lepton[@]}" models register fashion --from "$model" >/dev/null
"${lepton[@]}" models promote fashion@1 --alias production >/dev/null
/usr/bin/python3 "$root/bench/wrk/make_body.py" "$work/body.json"
start_lepton "$lport" fashion@production
start_reference "$rport" "$model"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

: > "$work/results.jsonl"
port_of() { if [ "$1" = reference ]; then echo "$rport"; else echo "$lport"; fi; }
for conns in 1 16 64; do
  for server in lepton reference; do run_wrk "http://127.0.0.1:$(port_of "$server")" "$conns" 3 >/dev/null; done # warm-up
  for round in $(seq 1 "$rounds"); do
    for server in lepton reference; do
      line="$(run_wrk "http://127.0.0.1:$(port_of "$server")" "$conns" "$seconds")"
      echo "{\"server\":\"$server\",\"connections\":$conns,\"wrk\":$line}" >> "$work/results.jsonl"
      echo "$server c=$conns round $round: $line" >&2
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$work/results.jsonl" "$root/bench/RESULTS.md" "$seconds" "$load_before" "$load_after" "$rounds" <<'PY'
import datetime, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
runs = {}
for r in rows: runs.setdefault((r["server"], r["connections"]), []).append(r["wrk"])
# Each server's median run by requests/s (its own p50 and p99 with it); failures count over all runs.
by = {k: sorted(v, key=lambda w: w["rps"])[len(v) // 2] for k, v in runs.items()}
def failed(w): return w["non_200"] + w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
lines = ["| connections | server | requests/s (median run) | all runs | p50 ms | p99 ms | failed |", "|---:|---|---:|---|---:|---:|---:|"]
for c in (1, 16, 64):
    for s in ("lepton", "reference"):
        w = by[(s, c)]
        every = ", ".join(f"{x['rps']:,.0f}" for x in runs[(s, c)])
        name = "lepton serve" if s == "lepton" else "FastAPI + PyTorch"
        lines.append(f"| {c} | {name} | {w['rps']:,.0f} | {every} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {sum(failed(x) for x in runs[(s, c)])} |")
lines += ["", "| connections | requests/s ratio (lepton / reference) | p99 ratio (lepton / reference) |", "|---:|---:|---:|"]
for c in (1, 16, 64):
    l, r = by[("lepton", c)], by[("reference", c)]
    lines.append(f"| {c} | {l['rps'] / r['rps']:.1f}x | {l['p99_ms'] / r['p99_ms']:.3f} |")
l, r = by[("lepton", 64)], by[("reference", 64)]
met = l["rps"] >= 10 * r["rps"] and l["p99_ms"] <= r["p99_ms"] / 5
table = "\n".join(lines)
print(table)
print(f"\ntarget at 64 connections (>= 10x requests/s, p99 <= 1/5): {'met' if met else 'NOT met'}")
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
with open(sys.argv[2], "a") as f:
    f.write(f"\n## Serving: lepton serve vs FastAPI + uvicorn + PyTorch ({stamp})\n\n")
    f.write(f"`bench/serve-compare.sh {sys.argv[3]} {sys.argv[6]}`: the reference Fashion-MNIST CNN, one OIP v2 JSON request of 784 floats, "
            f"wrk for {sys.argv[3]} s per run, {sys.argv[6]} runs per cell alternating the two servers after a 3 s warm-up each, "
            f"the median run of each server shown, both servers on 127.0.0.1 of the same 2-core machine "
            f"(load average {sys.argv[4]} before, {sys.argv[5]} after). The reference runs in its fastest setting measured here: one uvicorn worker, one torch thread, OpenBLAS on one thread; lepton serve runs with its defaults (max batch 32, max queue delay 2 ms).\n\n")
    f.write(table + "\n\n")
    f.write(f"Target at 64 connections (>= 10x requests/s and p99 <= 1/5 of the reference): {'met' if met else 'not met'}.\n")
PY
