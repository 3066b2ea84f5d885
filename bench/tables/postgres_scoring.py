"""Driver of bench/tables/postgres.sh's scoring part: batch scoring from a PostgreSQL table back into a new one. Lepton: `predict
--model MODEL --input URL --query "SELECT * FROM orders" --output URL --table scores_lepton_R` (the model trained beforehand by the
caller on the first 200,000 orders); reference: one Python process that reads the same query with pandas' read_sql over psycopg2,
answers it with a scikit-learn HistGradientBoostingClassifier fitted beforehand on the same orders (pickled), and writes the rows
with their prediction and probability by COPY (psycopg2 copy_expert of a CSV in memory), as a Python user batch-scores. Both
sides create a new table each round and commit once; then both append to an existing table of their own, typed as a team keeps
one (bigint id, numeric amount, integer items, timestamp, real probability): Lepton with `--append`, Python by the same COPY into it.
Prints one line per run and a median table (markdown) for each.
  /usr/bin/python3 bench/tables/postgres_scoring.py DIR PORT ROUNDS ROWS MODEL"""
import os
import shlex
import sys

from sides import alternate, print_rates, run, timed_rate

folder, port, rounds, rows, model = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
cli = shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))
url = f"postgres://postgres@127.0.0.1:{port}/postgres"
home = os.path.join(folder, "home-scoring")
pickled = os.path.join(folder, "hgb.pkl")
CONNECT = f"psycopg2.connect(host='127.0.0.1', port={port}, user='postgres', dbname='postgres')"
FEATURES = "['amount', 'items', 'express', 'placed_hour', 'region_code']"

run(["/usr/bin/python3", "-c", f"""
import pickle, pandas, psycopg2
from sklearn.ensemble import HistGradientBoostingClassifier
f = pandas.read_sql('SELECT * FROM orders WHERE id <= 200000', {CONNECT})
f['placed_hour'] = f['placed'].dt.hour; f['region_code'] = f['region'].astype('category').cat.codes; f['express'] = f['express'].astype(float)
m = HistGradientBoostingClassifier(random_state=0).fit(f[{FEATURES}], f['returned'])
pickle.dump(m, open({pickled!r}, 'wb'))
"""])

SCORE = f"""
import io, pickle, sys, pandas, psycopg2
c = {CONNECT}
f = pandas.read_sql('SELECT * FROM orders', c)
x = f.assign(placed_hour=f['placed'].dt.hour, region_code=f['region'].astype('category').cat.codes, express=f['express'].astype(float))[{FEATURES}]
m = pickle.load(open({pickled!r}, 'rb'))
p = m.predict_proba(x)
f['prediction'] = m.classes_[p.argmax(1)]; f['probability'] = p.max(1)
table = sys.argv[1]
cur = c.cursor()
if len(sys.argv) < 3: cur.execute(f'CREATE TABLE {{table}} (id bigint, amount double precision, items bigint, express boolean, placed timestamptz, region text, returned text, prediction text, probability double precision)')
buffer = io.StringIO(); f.to_csv(buffer, index=False, header=False); buffer.seek(0)
cur.copy_expert(f'COPY {{table}} FROM STDIN WITH (FORMAT csv)', buffer)
c.commit()
assert len(f) == {rows}, len(f)
"""


def lepton(r):
    return timed_rate(cli + ["predict", "--model", model, "--input", url, "--query", "SELECT * FROM orders", "--output", url, "--table", f"scores_lepton_{r}",
                             "--json"], rows, dict(os.environ, LEPTON_HOME=home))


def python(r):
    return timed_rate(["/usr/bin/python3", "-c", SCORE, f"scores_python_{r}"], rows)


print_rates(alternate({"lepton predict --query ... --output postgres://... --table": lepton},
                      {"pandas read_sql + scikit-learn HGB predict_proba + COPY": python}, rounds), f"scoring {rows:,} rows from a table into a new one")

TYPED = ("(id bigint, amount numeric(10,2), items integer, express boolean, placed timestamp, region text, returned text, prediction text, "
         "probability real)")
run(["/usr/bin/python3", "-c", f"import psycopg2; c = {CONNECT}; cur = c.cursor(); "
     f"cur.execute('CREATE TABLE history_lepton {TYPED}'); cur.execute('CREATE TABLE history_python {TYPED}'); c.commit()"])


def lepton_append(r):
    return timed_rate(cli + ["predict", "--model", model, "--input", url, "--query", "SELECT * FROM orders", "--output", url, "--table", "history_lepton",
                             "--append", "--json"], rows, dict(os.environ, LEPTON_HOME=home))


def python_append(r):
    return timed_rate(["/usr/bin/python3", "-c", SCORE, "history_python", "append"], rows)


print_rates(alternate({"lepton predict ... --table history --append": lepton_append},
                      {"pandas read_sql + scikit-learn HGB predict_proba + COPY into the table": python_append}, rounds),
            f"scoring {rows:,} rows from a table, appended to an existing typed one")
