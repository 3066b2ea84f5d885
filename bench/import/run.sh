#!/usr/bin/env bash
# Issue 15: `lepton data import` against Pillow doing the same work on the same folder, in one run, alternating the sides.
# The folder: 20,000 JPEGs of 200..300 px in 10 class folders (bench/import/make_images.py, made once under $BENCH_DIR).
# Lepton: `lepton data import DIR --name bench --size 64x64 --channels 3` into a fresh LEPTON_HOME each run (hash, header,
# decode, antialiased bilinear resize, shards stored as artifacts and registered as a data set version), all cores.
# Pillow (Debian python3-pil, /usr/bin/python3): bench/import/pil_import.py: decode, convert("RGB"), resize((64,64), BILINEAR),
# raw bytes into ~32 MiB shards; no hashing and no registry. Once in one process (fair: Pillow has no threads of its own
# here), once with a multiprocessing pool of 2 workers.
#   bench/import/run.sh [runs (3)] [images (20000)]      prints a Markdown section for bench/RESULTS.md (medians of the runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-3}"
count="${2:-20000}"
bench_dir="${BENCH_DIR:-/tmp/lepton-bench-import}"
images="$bench_dir/images-$count"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dpkg -s python3-pil >/dev/null 2>&1 || { echo "installing python3-pil" >&2; apt-get install -y python3-pil >/dev/null; }
if [ ! -f "$images/.done" ]; then
  echo "== making $count JPEGs under $images" >&2
  rm -rf "$images"
  /usr/bin/python3 "$root/bench/import/make_images.py" "$images" "$count"
  touch "$images/.done"
fi
# The command as users get it: ./lepton builds the CLI ReadyToRun into .build/cli (compiled ahead of time, so the import
# does not JIT its decoder, hashing and registry code first); run without the script's staleness check.
echo "== building the CLI (./lepton, ReadyToRun)" >&2
"$root/lepton" --version > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
cli="$root/.build/cli/lepton.dll"
cat "$images"/*/*.jpg > /dev/null # warm the page cache for both sides

seconds() { local s e; s=$(date +%s.%N); "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; e=$(date +%s.%N); printf '%.1f' "$(echo "$e - $s" | bc)"; }
lepton_run() { rm -rf "$work/home"; LEPTON_HOME="$work/home" dotnet "$cli" data import "$images" --name bench --size 64x64 --channels 3 --json; }
pil_run() { rm -rf "$work/pil"; /usr/bin/python3 "$root/bench/import/pil_import.py" "$images" "$work/pil" "$@"; }

declare -a lep pil1 pil2 pil3 pil4
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u +'%Y-%m-%d %H:%M UTC')"
for r in $(seq 1 "$runs"); do
  lep+=("$(seconds lepton_run)"); echo "  run $r lepton ${lep[-1]} s" >&2
  pil1+=("$(seconds pil_run 1)"); echo "  run $r pil (1 process) ${pil1[-1]} s" >&2
  pil2+=("$(seconds pil_run 2)"); echo "  run $r pil (2 workers) ${pil2[-1]} s" >&2
  pil3+=("$(seconds pil_run 2 draft)"); echo "  run $r pil (2 workers, draft) ${pil3[-1]} s" >&2
  pil4+=("$(seconds pil_run 1 draft)"); echo "  run $r pil (1 process, draft) ${pil4[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ml=$(median "${lep[@]}"); m1=$(median "${pil1[@]}"); m2=$(median "${pil2[@]}"); m3=$(median "${pil3[@]}"); m4=$(median "${pil4[@]}")
rate() { echo "scale=0; $count / $1" | bc; }
cat <<MD
## Issue 15: image import ($started)

$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load average before $load_before. \`bench/import/run.sh $runs $count\`:
$count JPEGs (200..300 px, every fifth progressive, 10 class folders) decoded, resized to 64x64 RGB (antialiased bilinear)
and written into ~32 MiB shards; the sides alternate, $runs runs each, medians. Lepton also hashes every file (SHA-256),
stores the shards as artifacts and records the data set version; Pillow only decodes, resizes and writes. Lepton decodes a
JPEG of more than twice the target size at libjpeg's smallest DCT scale that still covers it (as Pillow's \`draft\`): the
last row gives Pillow the same shortcut.

| side | runs (s) | median (s) | images/s | Lepton faster by |
|---|---|---|---|---|
| \`lepton data import --size 64x64 --channels 3\` (all cores) | ${lep[*]} | $ml | $(rate "$ml") | |
| Pillow, one process | ${pil1[*]} | $m1 | $(rate "$m1") | $(printf '%.2f' "$(echo "scale=3; $m1 / $ml" | bc)")x |
| Pillow, multiprocessing pool of 2 | ${pil2[*]} | $m2 | $(rate "$m2") | $(printf '%.2f' "$(echo "scale=3; $m2 / $ml" | bc)")x |
| Pillow with \`draft\`, one process (the same decode work as Lepton's) | ${pil4[*]} | $m4 | $(rate "$m4") | $(printf '%.2f' "$(echo "scale=3; $m4 / $ml" | bc)")x |
| Pillow with \`draft\`, pool of 2 | ${pil3[*]} | $m3 | $(rate "$m3") | $(printf '%.2f' "$(echo "scale=3; $m3 / $ml" | bc)")x |
MD
