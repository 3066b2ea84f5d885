#!/usr/bin/env bash
# Runs every test in the solution and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not found)." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Debian packages the tests use, installed only when missing: the real Fashion-MNIST files,
# PostgreSQL (the registry tests start a throw-away server of their own on a loopback port),
# Chromium (the dashboard's browser test drives it headless through Playwright), and Open MPI (the data-parallel
# training tests start mpirun), and libturbojpeg0 (the system libjpeg-turbo that image decoding prefers; its tests compare it
# with SkiaSharp's decoder).
missing=()
for p in dataset-fashion-mnist postgresql chromium openmpi-bin prometheus haproxy libturbojpeg0; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  echo "test.sh: installing ${missing[*]}..." >&2
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } >/dev/null 2>&1 \
    || echo "test.sh: could not install ${missing[*]}; the tests that need them will fail and say so." >&2
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet restore Lepton.slnx -v quiet >/dev/null 2>&1 || true
dotnet test Lepton.slnx -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- Failed: +[0-9]+' "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the build or a test host failed before any summary
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
