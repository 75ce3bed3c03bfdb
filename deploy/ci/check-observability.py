#!/usr/bin/python3
"""Checks deploy/observability against the daemon's meters (for deploy/ci/check.sh).

  check-observability.py REPO

- every scaler_* series named in the alerting rules and the Grafana dashboard is one the daemon exposes: the meter
  names are read from scaler-daemon's metrics sources (Counter/Gauge/Timer.builder("a.b.c")) and turned into their
  Prometheus names (dots to underscores; counters _total; timers _seconds_count/_sum/_max);
- every dashboard query is valid PromQL (each becomes a recording rule, checked by promtool check rules).
Exit 1 naming each problem.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

repo = sys.argv[1]
metrics_dir = os.path.join(repo, "scaler-daemon/src/main/java/org/sipmediadeploy/daemon/metrics")
known = set()
for name in os.listdir(metrics_dir):
    text = open(os.path.join(metrics_dir, name), encoding="utf-8").read()
    for kind, meter in re.findall(r'\b(Counter|Gauge|Timer)\.builder\(\s*"([a-z.]+)"', text):
        base = meter.replace(".", "_")
        if kind == "Counter":
            known.add(base + "_total")
        elif kind == "Gauge":
            known.add(base)
        else:
            known |= {base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max"}
if not known:
    sys.exit("no meter found in " + metrics_dir)

obs = os.path.join(repo, "deploy/observability")
exprs = []  # (where, expr)
for group in yaml.safe_load(open(os.path.join(obs, "prometheus/alerts.yml")))["groups"]:
    for rule in group["rules"]:
        exprs.append(("alert " + rule["alert"], rule["expr"]))
dashboard = json.load(open(os.path.join(obs, "grafana/sipmediadeploy-scaler.json")))
dash_exprs = []
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        where = f"dashboard panel {panel['id']} ({panel['title']}) {target['refId']}"
        exprs.append((where, target["expr"]))
        dash_exprs.append(target["expr"])

problems = []
for where, expr in exprs:
    for name in re.findall(r"\bscaler_[a-z_]+", expr):
        if name not in known:
            problems.append(f"{where}: {name} is not a series the daemon exposes")

with tempfile.TemporaryDirectory() as tmp:
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query_{i}", "expr": e} for i, e in enumerate(dash_exprs)]}]}
    path = os.path.join(tmp, "dashboard-rules.yml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(rules, f)
    run = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        problems.append("dashboard queries are not valid PromQL:\n" + run.stdout + run.stderr)

for p in problems:
    print("FAIL ", p)
if problems:
    sys.exit(1)
print(f"ok   {len(exprs)} queries ({len(dash_exprs)} in the dashboard) use only the daemon's {len(known)} series names")
