#!/usr/bin/env bash
# Importing a table from PostgreSQL: a throw-away server (initdb into a temp folder) holding ROWS orders (int8 id, numeric
# amount, int4 items, bool express, timestamp placed, text region and returned); Lepton's `data import postgres://...
# --query "SELECT * FROM orders"` (read, typed, profiled, stored as Parquet with its statistics, in a fresh LEPTON_HOME each
# round) against pandas' read_sql over psycopg2 (read and typed only) in one Python process; then batch scoring every order
# from the table into a new one (bench/tables/postgres_scoring.py). Sides alternating, medians.
# Usage: bench/tables/postgres.sh [rounds=3] [rows=1000000]   (from the repository root; needs postgresql, python3-psycopg2)
set -euo pipefail
rounds=${1:-3}
rows=${2:-1000000}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d)
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
port=$((20000 + RANDOM % 20000))
as_pg "$bin/initdb -D $dir/data -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null"
as_pg "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-k $dir -p $port -c listen_addresses=127.0.0.1' start >/dev/null"
trap 'as_pg "$bin/pg_ctl -D $dir/data -m immediate -w stop >/dev/null" || true; rm -rf "$dir"' EXIT
as_pg "$bin/psql -q -h 127.0.0.1 -p $port -U postgres -d postgres" <<SQL
CREATE TABLE orders (id int8 PRIMARY KEY, amount numeric(10,2), items int4, express bool, placed timestamp, region text, returned text);
INSERT INTO orders
SELECT i, round((10 + (i % 13) * 7.5 + (i % 7) * 0.25)::numeric, 2), 1 + i % 5, i % 3 = 0, timestamp '2023-01-01' + i * interval '1 minute',
       (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4], CASE WHEN i % 11 = 0 THEN 'yes' ELSE 'no' END
FROM generate_series(1, $rows) AS i;
ANALYZE orders;
SQL
./lepton --version >/dev/null
export LEPTON_CLI="${LEPTON_CLI:-dotnet $PWD/.build/cli/lepton.dll}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/tables/postgres_bench.py "$dir" "$port" "$rounds" "$rows"
# Batch scoring: a gbdt trained on the first 200,000 orders answers every order, from the table into a new one.
home="$dir/home-scoring"
LEPTON_HOME="$home" $LEPTON_CLI data import "postgres://postgres@127.0.0.1:$port/postgres" --query "SELECT * FROM orders WHERE id <= 200000" \
  --name orders --label-column returned --json >/dev/null
LEPTON_HOME="$home" $LEPTON_CLI train --data orders@1 --model gbdt --out "$dir/model" --json >/dev/null
/usr/bin/python3 bench/tables/postgres_scoring.py "$dir" "$port" "$rounds" "$rows" "$dir/model"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
