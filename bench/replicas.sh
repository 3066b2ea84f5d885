#!/usr/bin/env bash
# Serving replicas on one PostgreSQL: three `lepton serve fashion@production` processes share a throw-away PostgreSQL
# store and one artifact folder (LEPTON_HOME) behind HAProxy (health checks on /v2/health/ready, `retry-on
# all-retryable-errors` + `option redispatch`). A load client keeps 64 connections busy for SECONDS and records every
# response; replica r2 is killed with SIGKILL at KILL_AT s and `lepton models promote fashion@2` runs at PROMOTE_AT s.
# Reports failed requests (target 0), responses not naming exactly one version (target 0), the time from the promote's
# commit until every live replica serves version 2 (target <= 5 s), and whether the prediction log holds every answered
# request exactly once. Appends the figures to bench/RESULTS.md.
#   bench/replicas.sh [seconds (60)] [kill-at (20)] [promote-at (40)]
#   LEPTON_BENCH_MODEL=folder serves that model (default: the mlp preset trained for one epoch now);
#   LEPTON_CLI="dotnet path/lepton.dll" runs another build; LEPTON_BENCH_NO_RESULTS=1 skips the RESULTS.md entry;
#   LEPTON_BENCH_KEEP=1 keeps the work folder (replica and HAProxy logs, every response in responses.csv).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
kill_at="${2:-20}"
promote_at="${3:-40}"
connections=64
[ "$kill_at" -lt "$promote_at" ] && [ "$promote_at" -lt "$seconds" ] || { echo "need kill-at < promote-at < seconds" >&2; exit 2; }

haproxy_bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
[ -x "$haproxy_bin" ] || { echo "haproxy is missing: apt-get install haproxy" >&2; exit 1; }
pg_bin="$(dirname "$(command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || echo /missing/initdb)")"
[ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] || { echo "PostgreSQL server binaries are missing: apt-get install postgresql" >&2; exit 1; }

# The CLI and the load client, built once (running ./lepton three times at once would race its stale-build check).
if [ -z "${LEPTON_CLI:-}" ]; then
  "$root/lepton" --version >/dev/null
  LEPTON_CLI="dotnet $root/.build/cli/lepton.dll"
fi
read -r -a lepton <<< "$LEPTON_CLI"
load_dll="$root/bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll"
if [ ! -f "$load_dll" ] || [ -n "$(find "$root/bench/Lepton.Bench" -name '*.cs' -newer "$load_dll" -print -quit)" ]; then
  echo "building the load client (bench/Lepton.Bench)..." >&2
  dotnet build "$root/bench/Lepton.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -d "$work/pg/data" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  if [ -n "${LEPTON_BENCH_KEEP:-}" ]; then echo "kept $work (logs, responses.csv, haproxy.cfg)" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# A throw-away PostgreSQL with fsync on, reachable on loopback only.
mkdir -p "$work/pg"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$work/pg" && chmod 755 "$work"
as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
pg_port="$(free_port)"
as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
  -o "-k $work/pg -p $pg_port -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -d postgres -c "CREATE DATABASE lepton"
export LEPTON_STORE="postgres://postgres@127.0.0.1:$pg_port/lepton"
export LEPTON_HOME="$work/home" # the shared artifact folder (and model cache) of all three replicas

# Two versions of one model (version 2 is a copy of the same weights: a new registered version, so the swap loads for real).
if [ -n "${LEPTON_BENCH_MODEL:-}" ]; then model="$LEPTON_BENCH_MODEL"; else
  echo "training the mlp preset for one epoch (set LEPTON_BENCH_MODEL=folder to reuse a model)..." >&2
  "${lepton[@]}" train --model mlp --epochs 1 --out "$work/model" --json >/dev/null
  model="$work/model"
fi
cp -r "$model" "$work/model-v2"
"${lepton[@]}" models register fashion --from "$model" >/dev/null
"${lepton[@]}" models register fashion --from "$work/model-v2" >/dev/null
"${lepton[@]}" models promote fashion@1 --alias production >/dev/null
/usr/bin/python3 "$root/bench/wrk/make_body.py" "$work/body.json"

wait_ready() { # URL PID NAME
  for _ in $(seq 1 240); do
    curl -sf "$1/v2/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 exited before it was ready; its log:" >&2; cat "$work/$3.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$3 was not ready after 120 s; its log:" >&2; cat "$work/$3.log" >&2; exit 1
}

declare -A replica_pid replica_port
for name in r1 r2 r3; do
  replica_port[$name]="$(free_port)"
  "${lepton[@]}" serve fashion@production --port "${replica_port[$name]}" --no-auth --threads 1 > "$work/$name.log" 2>&1 &
  replica_pid[$name]=$!
  pids+=($!)
done
for name in r1 r2 r3; do wait_ready "http://127.0.0.1:${replica_port[$name]}" "${replica_pid[$name]}" "$name"; done

# HAProxy written by hand: retries of failed connections and empty responses go to another replica (redispatch); the
# POST body is buffered so a retry can resend it; X-Replica names the replica that answered.
hp_port="$(free_port)"
cat > "$work/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch 1
    retry-on all-retryable-errors
    option http-buffer-request
frontend lepton
    bind 127.0.0.1:$hp_port
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /v2/health/ready
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    http-response set-header X-Replica %[srv_name]
    server r1 127.0.0.1:${replica_port[r1]} check
    server r2 127.0.0.1:${replica_port[r2]} check
    server r3 127.0.0.1:${replica_port[r3]} check
CFG
"$haproxy_bin" -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 &
pids+=($!)
haproxy_pid=$!
wait_ready "http://127.0.0.1:$hp_port" "$haproxy_pid" haproxy
url="http://127.0.0.1:$hp_port/v2/models/fashion/infer"
dotnet "$load_dll" replica-load "$url" "$work/body.json" 8 3 "$work/warmup.csv" >/dev/null # JIT and connections warm

start_ms="$(now_ms)"
dotnet "$load_dll" replica-load "$url" "$work/body.json" "$connections" "$seconds" "$work/responses.csv" > "$work/load.out" &
load_pid=$!
sleep "$kill_at"
kill -9 "${replica_pid[r2]}"
kill_ms="$(now_ms)"
echo "killed r2 (SIGKILL) at $(( (kill_ms - start_ms) / 1000 )) s" >&2
sleep "$(( promote_at - kill_at ))"
promote_ms="$(now_ms)"
"${lepton[@]}" models promote fashion@2 --alias production >/dev/null
echo "promoted fashion@2 at $(( (promote_ms - start_ms) / 1000 )) s" >&2
wait "$load_pid"
grep '^RESULT' "$work/load.out" | cut -d' ' -f2- > "$work/load.json"

# HAProxy stops first, so its log holds only what happened under load; stopping the live replicas flushes their
# prediction logs; then the log is read back.
kill "$haproxy_pid"; wait "$haproxy_pid" 2>/dev/null || true
for name in r1 r3; do # what each live replica's log writer dropped under load (queue full, store failing)
  curl -sf "http://127.0.0.1:${replica_port[$name]}/metrics" | grep -E '^lepton_prediction_log_(dropped_total|queued|written_total) ' \
    | sed "s/^/$name /" >> "$work/log-metrics.txt" || true
done
for name in r1 r3; do kill -TERM "${replica_pid[$name]}"; done
for name in r1 r3; do wait "${replica_pid[$name]}" 2>/dev/null || true; done
psql_ -d lepton -c "\\copy (SELECT id FROM predictions WHERE model = 'fashion') TO '$work/logged.txt'"
committed_ms="$(psql_ -d lepton -c "SELECT changed_at / 1000 FROM alias_history WHERE model = 'fashion' AND version = 2 ORDER BY id DESC LIMIT 1")"

/usr/bin/python3 - "$work" "$start_ms" "$kill_ms" "$promote_ms" "$committed_ms" "$seconds" "$kill_at" "$promote_at" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$root/bench/RESULTS.md" "${LEPTON_BENCH_NO_RESULTS:-0}" <<'PY'
import collections, csv, datetime, json, os, sys
work, start, killed, promote, committed = sys.argv[1], *map(int, sys.argv[2:6])
seconds, kill_at, promote_at, load, results, no_results = sys.argv[6], sys.argv[7], sys.argv[8], sys.argv[9], sys.argv[10], sys.argv[11] == "1"
summary = json.load(open(os.path.join(work, "load.json")))
rows = list(csv.DictReader(open(os.path.join(work, "responses.csv"))))
ok = [r for r in rows if r["status"] == "200"]
failed = [r for r in rows if r["status"] != "200"]
ambiguous = [r for r in ok if r["version"] not in ("1", "2")]
errors = collections.Counter((r["status"], r["error"][:60]) for r in failed)

# Per live replica: when its first version-2 answer came, measured from the commit of the promote (alias_history, in µs).
switch = {}
for name in ("r1", "r3"):
    mine = [r for r in ok if r["replica"] == name]
    last_v1 = max((int(r["start_ms"]) for r in mine if r["version"] == "1"), default=None)
    first_v2 = min((int(r["end_ms"]) for r in mine if r["version"] == "2"), default=None)
    switch[name] = (first_v2, last_v1)
all_v2 = [first for first, _ in switch.values()]
converged_s = None if None in all_v2 else max(max(0, f - committed) for f in all_v2) / 1000
late_v1 = sum(1 for r in ok if r["version"] == "1" and int(r["start_ms"]) > committed + 5000)
after_kill = [r for r in ok if r["replica"] == "r2" and int(r["start_ms"]) > killed]

# The warm-up's answers are in the log too: they count as answered.
warmup = [r for r in csv.DictReader(open(os.path.join(work, "warmup.csv"))) if r["status"] == "200"]
answered = collections.Counter(r["prediction_id"] for r in ok + warmup)
logged = collections.Counter(line.strip() for line in open(os.path.join(work, "logged.txt")) if line.strip())
duplicate_answers = sum(n - 1 for n in answered.values() if n > 1)
duplicate_logged = sum(n - 1 for n in logged.values() if n > 1)
missing = [r for r in ok + warmup if r["prediction_id"] not in logged]
missing_by = collections.Counter(r["replica"] for r in missing)
extra = len(set(logged) - set(answered))

# HAProxy's own account of health-check state changes (on stderr with -db).
log_metrics = [line.split() for line in open(os.path.join(work, "log-metrics.txt"))] if os.path.exists(os.path.join(work, "log-metrics.txt")) else []
log_dropped = {name: float(value) for name, metric, value in log_metrics if metric == "lepton_prediction_log_dropped_total"}
log_queued = {name: float(value) for name, metric, value in log_metrics if metric == "lepton_prediction_log_queued"}
shutdown_drops = {name: sum(1 for line in open(os.path.join(work, name + ".log")) if "did not take the queued predictions" in line) for name in ("r1", "r3")}
changes = [line.split("]", 1)[-1].strip()[:90] for line in open(os.path.join(work, "haproxy.log")) if " is DOWN" in line or " is UP" in line]
req, dur = summary["requests"], summary["seconds"]
checks = {
    "failed requests = 0": len(failed) == 0,
    "every response names one version": not ambiguous,
    "all live replicas serve v2 within 5 s": converged_s is not None and converged_s <= 5 and late_v1 == 0,
    "every request answered by a replica that was not killed logged exactly once":
        not [r for r in missing if r["replica"] != "r2"] and duplicate_logged == 0 and duplicate_answers == 0,
}
lines = [
    f"| requests | requests/s | p50 ms | p99 ms | failed | not one version | versions | answers per replica |",
    "|---:|---:|---:|---:|---:|---:|---|---|",
    f"| {req:,} | {req / dur:,.0f} | {summary['p50_ms']:.1f} | {summary['p99_ms']:.1f} | {len(failed)} | {len(ambiguous)} | "
    + ", ".join(f"v{v}: {n:,}" for v, n in sorted(collections.Counter(r['version'] for r in ok).items())) + " | "
    + ", ".join(f"{k}: {n:,}" for k, n in sorted(collections.Counter(r['replica'] for r in ok).items())) + " |",
]
table = "\n".join(lines)
notes = [
    f"- promote: command started {(promote - start) / 1000:.1f} s into the run, committed {(committed - promote) / 1000:.2f} s later; "
    + "; ".join(f"{n} answered v2 first {(f - committed) / 1000:.2f} s after the commit" if f else f"{n} never answered v2" for n, (f, _) in switch.items())
    + (f"; all live replicas on v2 after {converged_s:.2f} s" if converged_s is not None else "")
    + f"; version-1 answers to requests sent more than 5 s after the commit: {late_v1}",
    f"- kill -9 r2 at {(killed - start) / 1000:.1f} s: r2 answered {len(after_kill)} requests sent after the kill (expected 0); "
    f"failed requests {len(failed)}" + (": " + "; ".join(f"{n}x {s} {e}" for (s, e), n in errors.most_common(5)) if failed else "")
    + "; HAProxy: " + ("; ".join(changes) if changes else "no server state changes logged"),
    f"- prediction log: {len(ok) + len(warmup):,} answered (with {len(warmup)} warm-up requests), {sum(logged.values()):,} logged; answered but not logged {len(missing)} "
    + (f"({', '.join(f'{k}: {n}' for k, n in sorted(missing_by.items()))})" if missing else "")
    + f"; logged twice {duplicate_logged}; ids answered twice {duplicate_answers}; logged but never answered {extra}"
    + "; live replicas' log writers at the end of the load: " + ", ".join(f"{n} dropped {log_dropped.get(n, 0):.0f} queued {log_queued.get(n, 0):.0f}" for n in ("r1", "r3"))
    + ("; gave up flushing at shutdown: " + ", ".join(n for n, c in shutdown_drops.items() if c) if any(shutdown_drops.values()) else ""),
]
verdict = "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in checks.items())
# The log is written behind the response (batches of up to 1 s): what the SIGKILLed replica had not flushed is gone.
verdict += f"; answered by the killed replica but not logged: {missing_by.get('r2', 0)} of {sum(1 for r in ok if r['replica'] == 'r2'):,}"
print(table); print("\n".join(notes)); print(verdict)
if not no_results:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(results, "a") as f:
        f.write(f"\n## Serving: three replicas on one PostgreSQL behind HAProxy ({stamp})\n\n")
        f.write(f"`bench/replicas.sh {seconds} {kill_at} {promote_at}`: three `lepton serve fashion@production --threads 1` on one "
                f"throw-away PostgreSQL store and one LEPTON_HOME, HAProxy round robin with `retry-on all-retryable-errors` and "
                f"`option redispatch`, 64 connections from the C# load client "
                f"(`Lepton.Bench replica-load`), r2 killed with SIGKILL at {kill_at} s, `lepton models promote fashion@2` at "
                f"{promote_at} s of {seconds} s (load average {load} at the end; other engineers were using the same 2 cores).\n\n")
        f.write(table + "\n\n" + "\n".join(notes) + "\n\n" + verdict + ".\n")
sys.exit(0 if all(checks.values()) else 1)
PY
