#!/usr/bin/env python3
"""Turns the `scalerctl simulate --json --csv` output of run.sh into bench/results/trace-replay.{json,md}.

Per trace and strategy: rejected calls (%), gateway-hours and gateway-hours per call-hour; for the week trace also
per local day (Europe/Paris), from the timeline (rejections and hosts per 5 s / 60 s sample) and the trace's calls.
"""
import csv
import gzip
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Paris")
REJECTED_TARGET = 0.5     # % of calls, this policy, per day
HOURS_TARGET = 1.2        # gateway-hours per call-hour, this policy, per day


def calls(path):
    opener = gzip.open if path.endswith(".gz") else open
    out = []
    with opener(path, "rt") as f:
        for line in f:
            parts = [p.strip().strip('"') for p in line.split(",")]
            try:
                s, e = datetime.fromisoformat(parts[0]), datetime.fromisoformat(parts[1])
            except (ValueError, IndexError):
                continue
            if e >= s:
                out.append((s, e))
    out.sort()
    return out


def per_day(trace_calls, timeline, strategy):
    """{day: (calls, rejected, gateway_hours, call_hours)} for one strategy."""
    start = trace_calls[0][0]
    days = {}
    for s, e in trace_calls:
        d = days.setdefault(s.astimezone(ZONE).date(), [0, 0, 0.0, 0.0])
        d[0] += 1
        # Call-hours of the day the call started in (a night-crossing call is rare).
        d[3] += (e - s).total_seconds() / 3600
    rows = [r for r in timeline if r["strategy"] == strategy]
    prev_rej, prev_sec = 0, 0
    for r in rows:
        sec, rej, hosts = int(r["second"]), int(r["rejected"]), int(r["hosts"])
        day = (start + timedelta(seconds=sec)).astimezone(ZONE).date()
        d = days.setdefault(day, [0, 0, 0.0, 0.0])
        d[1] += rej - prev_rej
        d[2] += hosts * (sec - prev_sec) / 3600
        prev_rej, prev_sec = rej, sec
    return days


BOOT_S = 120
# The unannounced bursts of the shipped traces (traces/generate.py): nothing in the history announces them.
SURPRISES = {"production-week.csv.gz": datetime(2026, 1, 14, 19, 40, tzinfo=ZONE),
             "burst.csv": datetime(2026, 1, 5, 1, 0, tzinfo=ZONE)}


def boot_bound(name, trace_calls):
    """Calls of a surprise that arrive before a host created at its first call can answer (boot 120 s)."""
    at = SURPRISES.get(name)
    if at is None:
        return None
    first = [s for s, _ in trace_calls if at <= s < at + timedelta(minutes=10)]
    inside = [s for s in first if s < first[0] + timedelta(seconds=BOOT_S)]
    return at, len(first), len(inside)


def figure(name, unit, value, target, commit, date):
    return {"name": name, "unit": unit, "runs": 1, "p50": value, "p95": value, "p99": value, "max": value,
            "target": target, "commit": commit, "date": date}


def main(work, out):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    date = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    figures, md = [], []
    md.append("# trace-replay\n")
    md.append("`bench/trace-replay/run.sh`: `scalerctl simulate --boot-delay PT120S` on the shipped traces with the "
              "built-in pool (1 gateway per host, max 1,000 hosts, 5 s evaluation): this policy (`scaling-policy`) "
              "against the faithful reference rules `sipmediagw-v1.5` (its sample threshold table, Europe/Paris) "
              "and `simplescalevm-2022` (MIN 2, single-use hosts), and the physical limit (instant boot). "
              f"Targets for this policy: at most {REJECTED_TARGET} % rejected at most {HOURS_TARGET} x the "
              "call-hours on the day and on each day of the week; fewer rejections than sipmediagw-v1.5 at fewer "
              "gateway-hours on every trace.\n")
    md.append(f"Commit `{commit}`, {date}, load average when written {os.getloadavg()[0]:.2f}.\n")
    md.append("| trace | strategy | calls | rejected | rejected % | gateway-hours | x call-hours | peak hosts |")
    md.append("|---|---|---|---|---|---|---|---|")
    day_rows = []
    for n in ["production-day.csv", "production-week.csv.gz", "burst.csv"]:
        summary = json.load(open(os.path.join(work, n + ".json")))
        for s in summary["strategies"]:
            md.append(f"| {n} | {s['strategy']} | {s['calls']} | {s['rejected']} | {s['rejected_percent']:.2f} | "
                      f"{s['gateway_hours']:.1f} | {s['gateway_hours_per_call_hour']:.2f} | {s['peak_hosts']} |")
            policy = s["strategy"] == "scaling-policy"
            figures.append(figure(f"{n} {s['strategy']} rejected", "% of calls", round(s["rejected_percent"], 3),
                                  REJECTED_TARGET if policy and n != "burst.csv" else None, commit, date))
            figures.append(figure(f"{n} {s['strategy']} gateway-hours per call-hour", "ratio",
                                  round(s["gateway_hours_per_call_hour"], 3),
                                  HOURS_TARGET if policy and n != "burst.csv" else None, commit, date))
        md.append(f"| {n} | physical-limit | {summary['strategies'][0]['calls']} | 0 | 0.00 | "
                  f"{summary['call_hours']:.1f} | 1.00 | - |")
        if n == "production-week.csv.gz":
            trace_calls = calls(os.path.join("traces", n))
            timeline = list(csv.DictReader(open(os.path.join(work, n + ".timeline.csv"))))
            for strategy in ["scaling-policy", "sipmediagw-v1.5"]:
                for day, (c, rej, gh, ch) in sorted(per_day(trace_calls, timeline, strategy).items()):
                    if c == 0:
                        continue
                    pct, ratio = 100.0 * rej / c, gh / ch if ch else 0
                    day_rows.append(f"| {day:%a %d %b} | {strategy} | {c} | {rej} | {pct:.2f} | {gh:.1f} | "
                                    f"{ratio:.2f} |")
                    if strategy == "scaling-policy":
                        figures.append(figure(f"week {day:%a} scaling-policy rejected", "% of calls",
                                              round(pct, 3), REJECTED_TARGET, commit, date))
                        figures.append(figure(f"week {day:%a} scaling-policy gateway-hours per call-hour", "ratio",
                                              round(ratio, 3), HOURS_TARGET, commit, date))
    md.append("\nPhysical limit with a 120 s boot (the arithmetic): a burst nobody announced is served by the idle "
              "gateways held when it starts, and by nothing else until a host created at its first call answers "
              "120 s later. Every call of its first 120 s beyond the spare held is rejected, whatever the policy:\n")
    md.append("| trace | surprise at | calls in 10 min | in the first 120 s | rejected at least, 2 spare held |")
    md.append("|---|---|---|---|---|")
    for n in ["production-week.csv.gz", "burst.csv"]:
        bound = boot_bound(n, calls(os.path.join("traces", n)))
        if bound:
            at, ten, inside = bound
            md.append(f"| {n} | {at:%a %H:%M} | {ten} | {inside} | {max(0, inside - 2)} |")
    md.append("\nOn Wednesday of the week that bound alone is above the day's 0.5 % (17 calls): meeting it would mean "
              "holding some 120 idle gateways through every evening hour a surprise could come. burst.csv is not "
              "production-shaped: it is the night webinar dial-in (40 calls within 2 minutes at 01:00 after a quiet "
              "hour), which checks that no policy overreacts; with 120 s boots every strategy rejects the burst "
              "minus its idle spare, so on it \"fewer rejected\" can only be a tie.\n")
    md.append("\nThe week, day by day (local days; gateway-hours of a day are the hosts kept during it):\n")
    md.append("| day | strategy | calls | rejected | rejected % | gateway-hours | x call-hours |")
    md.append("|---|---|---|---|---|---|---|")
    md.extend(day_rows)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "trace-replay.json"), "w") as f:
        json.dump(figures, f, indent=1)
        f.write("\n")
    with open(os.path.join(out, "trace-replay.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
