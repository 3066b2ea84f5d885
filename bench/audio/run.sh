#!/usr/bin/env bash
# Issue 21: feature throughput (clips/s, one thread) of Lepton's log-mel and MFCC extraction against the same computation
# in NumPy/SciPy, in the same run. Keep it short on a shared machine; it prints the load average with the figures.
#   bench/audio/run.sh [clips] [seconds]      prints a Markdown section for bench/RESULTS.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
clips="${1:-200}"
seconds="${2:-1}"
echo "== building bench/Lepton.Bench (Release)" >&2
dotnet build -c Release "$root/bench/Lepton.Bench/Lepton.Bench.csproj" -v quiet -nologo > /tmp/lepton-bench-audio-build.log 2>&1 \
  || { cat /tmp/lepton-bench-audio-build.log >&2; exit 1; }
bench="$root/bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll"
[ -n "${LEPTON_ARTIFACTS:-}" ] && bench="$LEPTON_ARTIFACTS/bin/Lepton.Bench/release/Lepton.Bench.dll"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
lepton="$(DOTNET_TieredPGO=1 dotnet "$bench" audio-features "$clips" "$seconds" | tee /dev/stderr | sed -n 's/^RESULT //p')"
numpy="$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/audio/features_numpy.py" "$clips" "$seconds" | tee /dev/stderr | sed -n 's/^RESULT //p')"
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
echo "### Audio features (issue 21): clips/s on one thread, ${seconds} s clips, load average ${load}"
echo
echo "| features | Lepton | NumPy/SciPy | ratio |"
echo "|---|---:|---:|---:|"
for k in log_mel mfcc resample_log_mel; do
  a="$(field "$lepton" "$k")"; b="$(field "$numpy" "$k")"
  echo "| $k | $a | $b | $(/usr/bin/python3 -c "print(f'{$a/$b:.2f}x')") |"
done
