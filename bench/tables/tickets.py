# A table with a free-text column for the text-features measurement in bench/RESULTS.md: 6,000 support tickets (plan, tenure,
# a message of a greeting, one of 30 complaint or 30 routine sentences with a varying detail, a sign-off), escalated when the
# message complains and more often on paid plans, with 10% of messages saying the opposite of the ticket's mood. A fixed
# `split` column (25% test) lets both sides use the same rows. Writes tickets.csv in the working folder.
import numpy as np
import pandas as pd

rng = np.random.default_rng(5)
subjects = ["the app", "the export", "my invoice", "the login", "the dashboard", "the mobile app", "the report", "the api"]
bad = ["keeps crashing", "is broken again", "lost all my data", "charged me twice", "has been down for hours", "is unacceptable",
       "does not load at all", "deleted my files"]
good = ["works fine now", "looks great", "was easy to set up", "needs a small tweak", "could use a dark mode", "is clear, thanks",
        "helped a lot", "is as expected"]
openers = ["hello", "hi team", "dear support", "good morning", "hey", ""]
closers = ["thanks", "regards", "please advise", "asap", "", "cheers"]
rows = []
for i in range(6000):
    plan = rng.choice(["basic", "pro", "team"], p=[.5, .3, .2])
    complaint = rng.random() < 0.35
    says_bad = complaint ^ (rng.random() < 0.1)
    verb = rng.choice(bad if says_bad else good)
    message = " ".join(x for x in [rng.choice(openers), rng.choice(subjects), verb, f"order {rng.integers(1000, 9999)}", rng.choice(closers)] if x)
    escalated = complaint and (plan != "basic" or rng.random() < 0.5)
    rows.append(dict(ticket=f"K{i:05d}", plan=plan, tenure=int(rng.integers(1, 72)), message=message,
                     escalated="yes" if escalated else "no", split="test" if rng.random() < 0.25 else "train"))
pd.DataFrame(rows).to_csv("tickets.csv", index=False)
print(len(rows), "rows")
