"""Summarizes alternating wrk runs of two sides (bench/serve-batching.sh, bench/serve-onnx-compare.sh, bench/serve-text.sh):
each side's median run by requests/s per connection count with all runs, p50, p99 and failures, then side A / side B ratios.
  python3 bench/wrk/summarize.py RESULTS.jsonl KEY A:LABEL B:LABEL LOAD_BEFORE LOAD_AFTER
RESULTS.jsonl holds one {"<KEY>": side, "connections": n, "wrk": {...}} line per run (bench/wrk/infer.lua's WRKJSON)."""
import json, sys

path, key, a, b, before, after = sys.argv[1:7]
(a, a_label), (b, b_label) = a.split(":", 1), b.split(":", 1)
runs = {}
for line in open(path):
    r = json.loads(line)
    runs.setdefault((r[key], r["connections"]), []).append(r["wrk"])
median = {k: sorted(v, key=lambda w: w["rps"])[len(v) // 2] for k, v in runs.items()}
conns = sorted({c for _, c in runs})
failed = lambda w: w["non_200"] + w["connect_errors"] + w["read_errors"] + w["timeouts"]
print("| connections | side | requests/s (median run) | all runs | p50 ms | p99 ms | failed |")
print("|---:|---|---:|---|---:|---:|---:|")
for c in conns:
    for side, label in ((a, a_label), (b, b_label)):
        w = median[(side, c)]
        every = ", ".join(f"{x['rps']:,.0f}" for x in runs[(side, c)])
        print(f"| {c} | {label} | {w['rps']:,.0f} | {every} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {failed(w)} |")
print()
print(f"| connections | requests/s ratio ({a_label} / {b_label}) | p99 ratio |")
print("|---:|---:|---:|")
for c in conns:
    x, y = median[(a, c)], median[(b, c)]
    print(f"| {c} | {x['rps'] / y['rps']:.2f}x | {x['p99_ms'] / y['p99_ms']:.2f} |")
print(f"\nload average before {before}, after {after}")
