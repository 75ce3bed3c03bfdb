#!/usr/bin/env python3
"""Generates the shipped synthetic call traces (seeded, reproducible): `python3 traces/generate.py`.

working-day.csv  a Monday 00:00-24:00 UTC: night trickle, a morning peak (9-11h), a lunch dip and an
                 afternoon peak (14-16h); Poisson arrivals, call lengths log-normal around 15 min.
burst.csv        two quiet hours with a sudden burst of 40 calls in 2 minutes at 01:00 (a webinar dial-in).
Lines are `start,end` in ISO-8601 UTC.
"""
import math
import os
import random
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
DAY = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday


def rate_per_min(hour):
    """Arrivals per minute by hour of day: two peaks, a lunch dip, quiet nights."""
    base = 0.05
    morning = 1.6 * math.exp(-((hour - 10.0) ** 2) / (2 * 0.9 ** 2))
    afternoon = 1.3 * math.exp(-((hour - 15.0) ** 2) / (2 * 1.0 ** 2))
    return base + morning + afternoon


def duration_s(rng):
    return max(60.0, min(3 * 3600.0, rng.lognormvariate(math.log(15 * 60), 0.6)))


def write(name, calls):
    calls.sort()
    with open(os.path.join(HERE, name), "w") as f:
        f.write("start,end\n")
        for s, e in calls:
            f.write(f"{s.strftime('%Y-%m-%dT%H:%M:%SZ')},{e.strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
    print(f"{name}: {len(calls)} calls")


def working_day(seed=20260105):
    rng = random.Random(seed)
    calls, t = [], 0.0
    while t < 24 * 3600:
        # thinning of a non-homogeneous Poisson process, max rate 2/min
        t += rng.expovariate(2.0 / 60.0)
        if rng.random() < rate_per_min(t / 3600.0) / 2.0:
            start = DAY + timedelta(seconds=t)
            calls.append((start, start + timedelta(seconds=duration_s(rng))))
    return calls


def burst(seed=7):
    rng = random.Random(seed)
    calls, t = [], 0.0
    while t < 2 * 3600:
        t += rng.expovariate(0.1 / 60.0)
        start = DAY + timedelta(seconds=t)
        calls.append((start, start + timedelta(seconds=duration_s(rng))))
    for _ in range(40):
        start = DAY + timedelta(hours=1, seconds=rng.uniform(0, 120))
        calls.append((start, start + timedelta(seconds=rng.uniform(20 * 60, 50 * 60))))
    return calls


if __name__ == "__main__":
    write("working-day.csv", working_day())
    write("burst.csv", burst())
