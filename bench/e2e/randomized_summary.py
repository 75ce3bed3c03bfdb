#!/usr/bin/env python3
"""Summarises long randomized e2e runs (RandomizedFaultsTest) from their Surefire output files.

usage: bench/e2e/randomized_summary.py COMMIT OUTPUT.txt [OUTPUT.txt ...]

Each OUTPUT.txt is a run's scaler-e2e/target/surefire-reports/org.sipmediadeploy.e2e.RandomizedFaultsTest-output.txt.
Writes bench/results/randomized-faults.json: per run its invariant violations (0 when the run printed its
"passed" line), and over all runs the time from a kill to the floating IP's move while Nova answered 20-30 s late
(the slow-Nova fault). Prints a Markdown table of the runs (seed, steps, duration, counts of each fault).
"""
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from percentiles import percentile  # noqa: E402

SECONDS = re.compile(r"PT(?:(\d+)M)?([\d.]+)S")


def seconds(iso):
    m = SECONDS.fullmatch(iso)
    if not m:
        raise ValueError("not a duration in seconds: " + iso)
    return int(m.group(1) or 0) * 60 + float(m.group(2))


def parse(path):
    run = {"file": path, "seed": None, "steps": 0, "passed": False, "seconds": None, "counts": {}, "moves": []}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"RandomizedFaultsTest seed (-?\d+) passed: (\d+) steps in (\d+) s, \{(.*)\}", line)
            if m:
                run.update(seed=int(m.group(1)), steps=int(m.group(2)), seconds=int(m.group(3)), passed=True)
                run["counts"] = {k: int(v) for k, v in (p.split("=") for p in m.group(4).split(", ") if p)}
                continue
            m = re.match(r"seed (-?\d+) step (\d+): (\w+)", line)
            if m:
                run["seed"] = int(m.group(1))
                run["steps"] = max(run["steps"], int(m.group(2)) + 1)
                if not run["passed"]:
                    run["counts"][m.group(3)] = run["counts"].get(m.group(3), 0) + 1
                continue
            m = re.match(r"\s+\w+ moved after (PT\S+), answered after (PT\S+)", line)
            if m:
                run["moves"].append(seconds(m.group(1)))
    return run


def row(name, unit, values, target, commit, date):
    return {
        "name": name,
        "unit": unit,
        "runs": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
        "target": target,
        "commit": commit,
        "date": date,
        "values": values,
    }


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: randomized_summary.py COMMIT OUTPUT.txt [OUTPUT.txt ...]")
    commit = argv[1]
    runs = [parse(p) for p in argv[2:]]
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    moves = [s for r in runs for s in r["moves"]]
    rows = [
        row("invariant violations in a 30-min randomized run (1 when the run failed)", "count",
            [0.0 if r["passed"] else 1.0 for r in runs], 0.0, commit, date),
        row("kill to floating-IP move while Nova answers 20-30 s late (randomized runs)", "s",
            moves, 15.0, commit, date),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "randomized-faults.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=2)
        f.write("\n")
    print("| seed | result | steps | duration | faults |")
    print("|---|---|---|---|---|")
    for r in runs:
        faults = ", ".join("%s %d" % (k, v) for k, v in sorted(r["counts"].items()))
        print("| %s | %s | %d | %s | %s |" % (
            r["seed"], "passed" if r["passed"] else "FAILED", r["steps"],
            "%d s" % r["seconds"] if r["seconds"] is not None else "-", faults))
    if moves:
        print("\nslow-Nova failovers: %d, move p50 %.2f s, max %.2f s" % (
            len(moves), percentile(moves, 50), max(moves)))


if __name__ == "__main__":
    main(sys.argv)
