"""Driver of bench/tables/postgres.sh: ROUNDS rounds alternating Lepton's `data import postgres://postgres@127.0.0.1:PORT/postgres
--query "SELECT * FROM orders"` (a fresh LEPTON_HOME in DIR each round, so nothing is reused) and pandas' read_sql of the same
query over psycopg2 in one fresh Python process (interpreter start and imports in its wall clock). Prints one line per run and a
median table (markdown) with rows per second.
  /usr/bin/python3 bench/tables/postgres_bench.py DIR PORT ROUNDS ROWS"""
import os
import shlex
import sys

from sides import alternate, print_rates, timed_rate

folder, port, rounds, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cli = shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))
url = f"postgres://postgres@127.0.0.1:{port}/postgres"
QUERY = "SELECT * FROM orders"
READ_SQL = ("import pandas, psycopg2; c = psycopg2.connect(host='127.0.0.1', port=%s, user='postgres', dbname='postgres'); "
            "f = pandas.read_sql(%r, c); assert len(f) == %d, len(f)") % (port, QUERY, rows)


def lepton(r):
    return timed_rate(cli + ["data", "import", url, "--query", QUERY, "--name", "orders", "--label-column", "returned", "--json"], rows,
                      dict(os.environ, LEPTON_HOME=os.path.join(folder, f"home-{r}")))


def pandas_read_sql(r):
    return timed_rate(["/usr/bin/python3", "-c", READ_SQL], rows)


print_rates(alternate({"lepton data import --query (read, typed, profiled, stored)": lepton},
                      {"pandas.read_sql over psycopg2 (read and typed)": pandas_read_sql}, rounds), f"{rows:,} rows x 7 columns")
