#!/usr/bin/env bash
# Issue 16: a text model under load. The SpamAssassin text-bow model of bench/text/spam-compare.sh (trained here if
# LEPTON_BENCH_TEXT_MODEL does not name a folder) is served by `lepton serve --threads 2`; wrk sends one e-mail of the test
# split per request, as /models/spam/predict {"instances": [...]} and as OIP v2 BYTES to /v2/models/spam/infer, at 1, 16 and
# 64 connections; prints requests/s and p50/p99 of each (median of ROUNDS runs).
#   bench/serve-text.sh [seconds-per-run (10)] [rounds (3)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
seconds="${1:-10}"
rounds="${2:-3}"
port="${LEPTON_BENCH_PORT:-18098}"
split="${BENCH_DIR:-/tmp/lepton-bench-text}/split"
[ -f "$split/test.tsv" ] || { echo "run bench/text/spam-compare.sh first: it imports SpamAssassin and exports the split" >&2; exit 1; }
model="${LEPTON_BENCH_TEXT_MODEL:-}"
if [ -z "$model" ]; then
  model="$work/spam-model"
  LEPTON_HOME="${BENCH_DIR:-/tmp/lepton-bench-text}/compare-home" "${lepton[@]}" train --data spam@2 --model text-bow --epochs 5 \
    --max-length 1024 --vocab-size 16000 --seed 1 --out "$model" --json > /dev/null
fi
"${lepton[@]}" models register spam --from "$model" >/dev/null
# A mid-length e-mail of the test split (its median length), as JSON text for both forms.
/usr/bin/python3 - "$split/test.tsv" "$work" <<'PY'
import json, sys
texts = sorted((l.rstrip("\n").split("\t", 1)[1] for l in open(sys.argv[1], encoding="utf-8")), key=len)
text = texts[len(texts) // 2]
json.dump({"instances": [text]}, open(sys.argv[2] + "/predict.json", "w"))
json.dump({"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": [text]}]}, open(sys.argv[2] + "/infer.json", "w"))
print(f"request text: {len(text)} characters", file=sys.stderr)
PY
start_lepton "$port" spam@1 --threads 2
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$work/results.jsonl"
for conns in 1 16 64; do
  for form in predict infer; do
    path=/models/spam/predict; [ "$form" = infer ] && path=/v2/models/spam/infer
    cp "$work/$form.json" "$work/body.json"
    export WRK_PATH="$path"
    run_wrk "http://127.0.0.1:$port" "$conns" 2 >/dev/null
    for round in $(seq 1 "$rounds"); do
      line="$(run_wrk "http://127.0.0.1:$port" "$conns" "$seconds")"
      echo "{\"form\":\"$form\",\"connections\":$conns,\"wrk\":$line}" >> "$work/results.jsonl"
      echo "$form c=$conns round $round: $line" >&2
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$root/bench/wrk/summarize.py" "$work/results.jsonl" form "predict:/models/spam/predict instances" "infer:/v2/models/spam/infer BYTES" "$load_before" "$load_after"
