#!/usr/bin/env python3
"""Generates the shipped production-shaped call traces (seeded, reproducible): `python3 traces/generate.py`.

The shape follows what a SIPMediaGW deployment sees (tune on these statistics, not on one day):
- calls start in meeting-start bursts at :00 and :30 (up to ~63 arrivals in one minute, ~100 in two at the peak),
  with a small trickle between bursts;
- two waves a weekday (morning ~08:00-12:00, afternoon ~13:30-17:00 local time), near zero at night;
- call duration mean ~56 min, median ~43 min, p90 ~137 min, longest ~5 h; peak concurrency ~630;
- ~0.5 % malformed rows (end before start), as real exports have.

production-day.csv     one Monday (Europe/Paris), with a header line.
production-week.csv.gz Monday to Sunday: weekdays vary by +-20 %, Thursday is a quiet day (a public holiday),
                       the weekend is near empty, and Wednesday evening has a surprise: a 200-call burst at 19:40.
                       No header line (both forms occur in exports).
burst.csv              two quiet hours with a sudden burst of 40 calls in 2 minutes at 01:00 (a webinar dial-in).
Rows are `"start","end"` in ISO-8601 with the local offset, as SIPMediaGW writes them. `--stats` prints the
statistics of the generated traces instead of writing them.
"""
import gzip
import math
import os
import random
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
ZONE = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 1, 5, tzinfo=ZONE)

BURST_PEAK = 104       # expected arrivals of a :00 burst at the top of the morning wave on a level-1.0 day
HALF_HOUR_SHARE = 0.7  # a :30 burst is this share of a :00 burst
TRICKLE_PEAK = 7.4     # arrivals per minute between bursts at the top of the wave
MALFORMED = 0.005


def wave(hour):
    """Relative activity by local hour: a morning and an afternoon wave, a lunch dip, near zero at night."""
    morning = math.exp(-(((hour - 10.0) / 1.85) ** 4))
    afternoon = 0.9 * math.exp(-(((hour - 15.25) / 1.6) ** 4))
    return 0.003 + morning + afternoon


def duration_min(rng):
    """Meeting lengths: mostly under an hour, a long tail of half-day sessions (mean ~56, median ~43, p90 ~137)."""
    if rng.random() < 0.84:
        d = rng.lognormvariate(math.log(36), 0.58)
    else:
        d = rng.lognormvariate(math.log(140), 0.28)
    return max(1.0, min(300.0, d))


def burst_offset_s(rng):
    """When a meeting's participant dials in relative to the :00/:30 mark: most in the first minute."""
    u = rng.random()
    if u < 0.5:
        return rng.uniform(0, 60)
    if u < 0.88:
        return rng.uniform(-60, 0) if rng.random() < 0.3 else rng.uniform(60, 120)
    return rng.uniform(120, 900)


def poisson(rng, mean):
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def day(rng, date, level):
    """Calls (start, end) of one day whose activity is `level` times a typical weekday."""
    calls = []
    for slot in range(48):
        at = date + timedelta(minutes=30 * slot)
        share = 1.0 if slot % 2 == 0 else HALF_HOUR_SHARE
        for _ in range(poisson(rng, BURST_PEAK * share * level * wave(slot / 2))):
            calls.append(at + timedelta(seconds=burst_offset_s(rng)))
    for minute in range(24 * 60):
        for _ in range(poisson(rng, TRICKLE_PEAK * level * wave(minute / 60))):
            calls.append(date + timedelta(minutes=minute, seconds=rng.uniform(0, 60)))
    return [(s, s + timedelta(minutes=duration_min(rng))) for s in calls]


def surprise(rng, at, count):
    """An unannounced event: `count` calls dialling in over ten minutes, mostly in the first two."""
    starts = [at + timedelta(seconds=rng.uniform(0, 120) if rng.random() < 0.7 else rng.uniform(120, 600))
              for _ in range(count)]
    return [(s, s + timedelta(minutes=rng.uniform(45, 90))) for s in starts]


def malform(rng, calls):
    """Real exports hold a few rows whose end is before their start (clock steps, lost BYEs)."""
    out = []
    for s, e in calls:
        if rng.random() < MALFORMED:
            e = s - timedelta(minutes=rng.uniform(1, 60))
        out.append((s, e))
    return out


def fmt(t):
    return t.astimezone(ZONE).isoformat(timespec="seconds")


def write(name, calls, header):
    calls.sort()
    text = ('"start","end"\n' if header else "") + "".join(f'"{fmt(s)}","{fmt(e)}"\n' for s, e in calls)
    path = os.path.join(HERE, name)
    if name.endswith(".gz"):
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(text.encode())
    else:
        with open(path, "w") as f:
            f.write(text)
    print(f"{name}: {len(calls)} rows")


def production_day(seed=20260105):
    rng = random.Random(seed)
    return malform(rng, day(rng, MONDAY, 1.0))


# Monday..Sunday: weekday levels within +-20 %, Thursday a public holiday, a near-empty weekend.
WEEK_LEVELS = [1.0, 1.15, 0.88, 0.3, 0.82, 0.04, 0.03]


def production_week(seed=20260112):
    rng = random.Random(seed)
    calls = []
    for i, level in enumerate(WEEK_LEVELS):
        calls += day(rng, MONDAY + timedelta(days=7 + i), level)
    calls += surprise(rng, MONDAY + timedelta(days=9, hours=19, minutes=40), 200)
    return malform(rng, calls)


def burst(seed=7):
    rng = random.Random(seed)
    calls, t = [], 0.0
    while t < 2 * 3600:
        t += rng.expovariate(0.1 / 60.0)
        start = MONDAY + timedelta(seconds=t)
        calls.append((start, start + timedelta(minutes=max(1.0, rng.lognormvariate(math.log(15), 0.6)))))
    for _ in range(40):
        start = MONDAY + timedelta(hours=1, seconds=rng.uniform(0, 120))
        calls.append((start, start + timedelta(seconds=rng.uniform(20 * 60, 50 * 60))))
    return calls


def stats(name, calls):
    good = [(s, e) for s, e in calls if e >= s]
    durs = sorted((e - s).total_seconds() / 60 for s, e in good)
    pct = lambda q: durs[min(len(durs) - 1, int(q * len(durs)))]
    events = sorted([(s, 1) for s, _ in good] + [(e, -1) for _, e in good])
    conc = peak = 0
    for _, d in events:
        conc += d
        peak = max(peak, conc)
    per_min = {}
    for s, _ in good:
        k = int(s.timestamp() // 60)
        per_min[k] = per_min.get(k, 0) + 1
    one = max(per_min.values())
    two = max(per_min.get(k, 0) + per_min.get(k + 1, 0) for k in per_min)
    days = {}
    for s, _ in good:
        days[s.astimezone(ZONE).date()] = days.get(s.astimezone(ZONE).date(), 0) + 1
    print(f"{name}: {len(calls)} rows, {len(calls) - len(good)} malformed, mean {sum(durs) / len(durs):.1f} min, "
          f"median {pct(0.5):.1f}, p90 {pct(0.9):.1f}, longest {durs[-1]:.0f} min; peak concurrency {peak}; "
          f"max arrivals in 1 min {one}, in 2 min {two}; calls per day {list(days.values())}")


if __name__ == "__main__":
    traces = {"production-day.csv": (production_day(), True), "production-week.csv.gz": (production_week(), False),
              "burst.csv": (burst(), True)}
    for n, (c, h) in traces.items():
        if "--stats" in sys.argv:
            stats(n, c)
        else:
            write(n, c, h)
