# Sourced by the table benchmarks' shell scripts: table_bench GENERATOR "GENERATOR ARGS" DRIVER [DRIVER ARGS...] writes the data
# set with bench/tables/GENERATOR into a temporary folder (removed on exit), builds the CLI as ./lepton does, and runs
# bench/tables/DRIVER on that folder with the Lepton command in LEPTON_CLI, printing the load average before and after.
table_bench() {
  local generator=$1 driver=$3 arguments
  read -ra arguments <<<"$2"
  shift 3
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  (cd "$dir" && /usr/bin/python3 "$OLDPWD/bench/tables/$generator" "${arguments[@]}")
  ./lepton --version >/dev/null
  export LEPTON_CLI="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/python3 "bench/tables/$driver" "$dir" "$@"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
