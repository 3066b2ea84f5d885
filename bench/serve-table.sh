#!/usr/bin/env bash
# Issue 17: a table model under load. A gbdt churn model (1,000 synthetic rows: a number with missing values, a category, a
# date-time, a charge; bench/tables/churn_rows.py) is served by `lepton serve --threads 2`; wrk sends one row per request as
#   rows:     /models/churn/predict {"instances": [{"age": .., "plan": .., "signup": .., "monthly": ..}]} (parsed, encoded by encoders.json, logged as a row)
#   features: /v2/models/churn/infer with the already-encoded 'features' tensor (the reference: no row parsing or encoding)
# alternating the two sides round by round at 1, 16 and 64 connections; prints requests/s and p50/p99 (median of ROUNDS runs).
#   bench/serve-table.sh [seconds-per-run (8)] [rounds (3)]      LEPTON_CLI="dotnet path/lepton.dll" runs a build already made
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
seconds="${1:-8}"
rounds="${2:-3}"
port="${LEPTON_BENCH_PORT:-18099}"
/usr/bin/python3 "$root/bench/tables/churn_rows.py" "$work"
"${lepton[@]}" data import "$work/churn.csv" --name churn --label-column churn --json > /dev/null
"${lepton[@]}" train --data churn@1 --model gbdt --seed 1 --register churn --json > /dev/null
start_lepton "$port" churn@1 --threads 2
# The row body, and the metadata's columns for the log.
/usr/bin/python3 - "$work" "$port" <<'PY'
import json, sys, urllib.request
work, port = sys.argv[1], sys.argv[2]
row = json.load(open(work + "/row.json"))
json.dump({"instances": [row]}, open(work + "/rows.json", "w"))
meta = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/models/churn"))
print("columns:", [(i["name"], i["datatype"]) for i in meta["inputs"]], file=sys.stderr)
PY
"${lepton[@]}" predict --model churn@1 --input "$work/row.jsonl" --json > /dev/null   # the CLI path works on the same row
# The reference body: the same row already encoded (bench/tables/encode_row.py writes what encoders.json writes).
features="$(/usr/bin/python3 "$root/bench/tables/encode_row.py" "$LEPTON_HOME" "$work/row.json")"
echo "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, $(echo "$features" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')], \"datatype\": \"FP32\", \"data\": $features}]}" > "$work/features.json"
# Both bodies must get the same answer, or the reference encodes differently from the server.
/usr/bin/python3 - "$work" "$port" <<'PY'
import json, sys, urllib.request
work, port = sys.argv[1], sys.argv[2]
def post(path, body):
    return json.load(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=open(body, "rb").read(), headers={"Content-Type": "application/json"})))
p_rows = post("/models/churn/predict", work + "/rows.json")["predictions"][0]["probability"]
p_features = next(o for o in post("/v2/models/churn/infer", work + "/features.json")["outputs"] if o["name"] == "probability")["data"][0]
assert abs(p_rows - p_features) < 1e-6, (p_rows, p_features)
print(f"both forms answer p = {p_rows:.6f}", file=sys.stderr)
PY
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$work/results.jsonl"
declare -A path=([rows]=/models/churn/predict [features]=/v2/models/churn/infer)
for conns in 1 16 64; do
  for side in rows features; do cp "$work/$side.json" "$work/body.json"; export WRK_PATH="${path[$side]}"; run_wrk "http://127.0.0.1:$port" "$conns" 2 >/dev/null; done
  for round in $(seq 1 "$rounds"); do
    for side in rows features; do
      cp "$work/$side.json" "$work/body.json"
      export WRK_PATH="${path[$side]}"
      line="$(run_wrk "http://127.0.0.1:$port" "$conns" "$seconds")"
      echo "{\"form\":\"$side\",\"connections\":$conns,\"wrk\":$line}" >> "$work/results.jsonl"
      echo "$side c=$conns round $round: $line" >&2
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$root/bench/wrk/summarize.py" "$work/results.jsonl" form "rows:/models/churn/predict rows" "features:/v2 infer encoded features" "$load_before" "$load_after"
