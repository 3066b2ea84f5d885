"""Prints the encoded features (a JSON list) of one row for a trees-mode encoders.json, as the server's encoders write them:
numbers as they are, a category's position in the fitted list (the list's length when unknown), a date-time's UTC parts
(day_of_week 0 = Sunday). Only the bench's reference body needs it; the bench checks both bodies get the same answer.
  python3 bench/tables/encode_row.py LEPTON_HOME ROW.json"""
import datetime, glob, json, sys

home, row_path = sys.argv[1], sys.argv[2]
encoders = json.load(open(sorted(glob.glob(f"{home}/**/encoders.json", recursive=True))[0]))
assert encoders["mode"] == "trees", "the reference body is written for tree models"
row = json.load(open(row_path))
features = []
for c in encoders["columns"]:
    v = row.get(c["column"])
    if c["kind"] in ("numeric", "boolean"):
        features.append(float("nan") if v is None else float(v))
    elif c["kind"] == "categorical":
        features.append(float("nan") if v is None else float(c["categories"].index(v) if v in c["categories"] else len(c["categories"])))
    else:
        t = datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
        parts = {"year": t.year, "month": t.month, "day": t.day, "day_of_week": (t.weekday() + 1) % 7, "day_of_year": t.timetuple().tm_yday,
                 "hour": t.hour, "minute": t.minute}
        features.extend(float(parts[p]) for p in c["parts"])
print(json.dumps(features))
