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
dotnet build Lepton.slnx -c Release --nologo -v quiet 2>&1 | tee "$log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "test.sh: the build failed (above)." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# One test project at a time, each with a hang guard: a test that runs past the guard (longer than any test's own timeout)
# has its test host stopped and is named, and that project runs once more, so one hung run is reported without hanging CI.
hang=(--blame-hang-timeout "${LEPTON_TEST_HANG_TIMEOUT:-8m}" --blame-hang-dump-type none)
passed=0 failed=0 skipped=0 hung=()
for project in $(grep -oE 'tests/[A-Za-z.]+/[A-Za-z.]+\.Tests\.csproj' Lepton.slnx); do
  name="$(basename "$project" .csproj)"
  for attempt in 1 2; do
    dotnet test "$project" -c Release --no-build --nologo "${hang[@]}" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    if grep -q 'Test Run Aborted' "$log" && [ "$attempt" -eq 1 ]; then
      hung+=("$name: $(grep -A1 'The test running when the crash occurred' "$log" | tail -1 | tr -d '\r')")
      echo "test.sh: $name stopped (a test hung or its host crashed; named above); running $name once more." >&2
      continue
    fi
    break
  done
  # The summary: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
  read -r p f s < <(grep -E '(Passed|Failed)! +- Failed: +[0-9]+' "$log" |
    sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1  # the test host failed before any summary
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
for h in "${hung[@]}"; do echo "test.sh: stopped on its first run, then run again: $h" >&2; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
