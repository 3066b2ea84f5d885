#!/usr/bin/env bash
# Hot swap under load: `lepton serve fashion@production` with 64 wrk connections for 60 s while fashion@2 is promoted
# to production 20 s in. Reports failed requests (must be 0), the versions the responses named (each response must
# name exactly one), and p99 during the swap against 20 s steady-state runs just before and just after (the lower
# steady p99 of the two, so load from other work on the machine does not flatter the ratio). Appends to bench/RESULTS.md.
#   bench/hot-swap.sh [seconds (60)] [promote-after-seconds (20)]
#   LEPTON_BENCH_MODEL=folder reuses a trained model; LEPTON_CLI="dotnet path/lepton.dll" runs another build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
seconds="${1:-60}"
promote_after="${2:-20}"
port="${LEPTON_BENCH_PORT:-18090}"

model="$(model_folder)"
# Version 2 is a copy of the same weights: a new registered version, so the swap loads, warms up and drains for real.
cp -r "$model" "$work/cnn-v2"
"${lepton[@]}" models register fashion --from "$model" >/dev/null
"${lepton[@]}" models register fashion --from "$work/cnn-v2" >/dev/null
"${lepton[@]}" models promote fashion@1 --alias production >/dev/null
/usr/bin/python3 "$root/bench/wrk/make_body.py" "$work/body.json"
start_lepton "$port" fashion@production
url="http://127.0.0.1:$port"

run_wrk "$url" 64 3 >/dev/null # warm-up
steady="$(run_wrk "$url" 64 20 1)"
echo "steady state: $steady" >&2
run_wrk "$url" 64 "$seconds" 1 > "$work/swap.json" &
wrk_pid=$!
sleep "$promote_after"
promoted_at="$(date -u +%H:%M:%S)"
"${lepton[@]}" models promote fashion@2 --alias production >/dev/null
echo "promoted fashion@2 to production at $promoted_at" >&2
wait "$wrk_pid"
swap="$(cat "$work/swap.json")"
echo "during the swap: $swap" >&2
after="$(run_wrk "$url" 64 20 1)"
echo "steady state after: $after" >&2

/usr/bin/python3 - "$steady" "$swap" "$after" "$root/bench/RESULTS.md" "$seconds" "$promote_after" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import datetime, json, sys
steady, swap, after = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
sys.argv = sys.argv[:1] + sys.argv[4:]
def row(label, w): return (f"| {label} | {w['requests']:,} | {w['rps']:,.0f} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {failed(w)} | {w['ambiguous']} | "
                           + ", ".join(f"v{v}: {n:,}" for v, n in sorted(w["versions"].items())) + " |")
def failed(w): return w["non_200"] + w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
versions = ", ".join(f"v{v}: {n:,}" for v, n in sorted(swap["versions"].items()))
base = min(steady["p99_ms"], after["p99_ms"])
ratio = swap["p99_ms"] / base
ok = failed(swap) == 0 and swap["ambiguous"] == 0 and set(swap["versions"]) == {"1", "2"} and ratio <= 2
lines = [
    "| run | requests | requests/s | p50 ms | p99 ms | failed | responses naming not exactly one version | versions seen |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    row("steady before (20 s)", steady),
    row(f"promote v2 at {sys.argv[3]} s ({sys.argv[2]} s)", swap),
    row("steady after (20 s)", after),
]
table = "\n".join(lines)
print(table)
print(f"\np99 during the swap / lower steady p99 = {ratio:.2f} (target <= 2); failed = {failed(swap)} (target 0): {'met' if ok else 'NOT met'}")
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
with open(sys.argv[1], "a") as f:
    f.write(f"\n## Serving: hot swap under load ({stamp})\n\n")
    f.write(f"`bench/hot-swap.sh {sys.argv[2]} {sys.argv[3]}`: `lepton serve fashion@production`, 64 wrk connections, "
            f"`lepton models promote fashion@2` {sys.argv[3]} s into a {sys.argv[2]} s run, 20 s steady runs before and after "
            f"(load average {sys.argv[4]} at the end; other engineers were using the same 2 cores).\n\n")
    f.write(table + "\n\n")
    f.write(f"p99 during the swap is {ratio:.2f}x the lower steady-state p99 (target <= 2x); failed requests {failed(swap)} (target 0): {'met' if ok else 'not met'}.\n")
PY
