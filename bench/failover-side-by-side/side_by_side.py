#!/usr/bin/python3
"""Failover side by side: combine the two halves, check, clean up. Run through run.sh.

  report   read the scaler half's runs.json (SideBySideScaler: fault instant + client log per run)
           and the keepalived half's runs.json, compute fault -> first 200 OK for every scaler
           run with the shared client's analyze_events (the keepalived runs were computed with
           the same function), and write the combined JSON (list of figures)
           and the Markdown table with the ratio scaler / keepalived per fault and setting.
           --check-kill-p99 S exits 1 when the scaler's killed-Kamailio p99 is above S seconds
           (or a killed-Kamailio run did not recover at all).
  cleanup  stop by PID what an interrupted scaler half left behind: the processes listed in
           SCALER_DIR/pids (runner JVM, scaler node JVMs, client) and the Kamailio/Coturn process
           groups the sandbox recorded under SCALER_DIR/tmp/scaler-sandbox-processes; each only
           when its start time still matches (a reused PID is never signalled).
"""
import argparse
import datetime
import json
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "client"))
sys.path.insert(0, os.path.join(HERE, ".."))
import sip_options_client as client_lib  # noqa: E402
from keepalived_bench import summary  # noqa: E402  (one summary for both halves)
from percentiles import percentile  # noqa: E402  (nearest rank, like every benchmark)

FAULTS = ("kill-kamailio", "freeze-kamailio", "node-lost", "link-cut")
FAULT_TEXT = {
    "kill-kamailio": "Kamailio killed (process group SIGKILL)",
    "freeze-kamailio": "Kamailio frozen (SIGSTOP)",
    "node-lost": "node lost",
    "link-cut": "link cut",
}
KEEPALIVED_SETTINGS = ("default", "fastest")
SCALER_SETTING = "defaults"
SCALER_TARGET_S = 2.0


def analyze_scaler_runs(runs, scaler_dir):
    """Fault -> first 200 OK of every scaler run, from its client log, with the client's own rule."""
    for r in runs:
        r["recovery_s"] = None
        if r.get("log") is None or r.get("fault_t") is None:
            continue
        path = os.path.join(scaler_dir, r["log"])
        if not os.path.exists(path):
            r["error"] = (r.get("error") or "") + " client log missing"
            continue
        a = client_lib.analyze_events(client_lib.load_events(path), r["fault_t"], r.get("failed_node"))
        r["recovery_s"] = a["recovery_s"]
        r["timeouts_until_recovery"] = a["timeouts_until_recovery"]
        r["ok_from_failed_node_after_fault"] = a["ok_from_failed_node_after_fault"]
        r["reply_src"] = a["first_ok"]["src"] if a["first_ok"] else None
    return runs


def refused_during(scaler_dir, run):
    """How many `duplicate decision` refusals the scaler nodes logged between the fault and the recovery."""
    try:
        with open(os.path.join(scaler_dir, run["log"])) as f:
            start = json.loads(f.readline())
        t0 = start["wall"] + (run["fault_t"] - start["t"])
        t1 = t0 + run["recovery_s"]
        n = 0
        cdir = os.path.join(scaler_dir, "cluster-%d" % run["cluster"])
        for name in sorted(os.listdir(cdir)):
            if not (name.startswith("scaler-") and name.endswith(".log")):
                continue
            with open(os.path.join(cdir, name)) as f:
                for line in f:
                    if "duplicate decision" not in line or '"WARN"' not in line:
                        continue
                    ts = json.loads(line)["@timestamp"]
                    t = datetime.datetime.strptime(ts[:26].rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").replace(
                        tzinfo=datetime.timezone.utc).timestamp()
                    n += t0 <= t <= t1
        return str(n)
    except (OSError, ValueError, KeyError, TypeError):
        return "?"


def fmt(x):
    return "-" if x is None else "%.2f" % x


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def report(args):
    with open(args.scaler_runs) as f:
        scaler = analyze_scaler_runs(json.load(f), os.path.dirname(os.path.abspath(args.scaler_runs)))
    with open(args.keepalived_runs) as f:
        keepalived = json.load(f)
    commit = args.commit or subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                                           stdout=subprocess.PIPE, text=True, check=False).stdout.strip() or "unknown"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    faults = [f for f in FAULTS if any(r["fault"] == f for r in scaler + keepalived)]
    figures = []
    cells = {}  # (system-setting, fault) -> (figure, runs, failed)
    for fault in faults:
        runs = [r for r in scaler if r["fault"] == fault]
        ok = [r["recovery_s"] for r in runs if r.get("recovery_s") is not None]
        fig = summary("scaler-%s/%s fault->first-200" % (SCALER_SETTING, fault), ok, SCALER_TARGET_S, commit, date)
        figures.append(fig)
        cells[("scaler", fault)] = (fig, runs, len(runs) - len(ok))
        for setting in KEEPALIVED_SETTINGS:
            runs = [r for r in keepalived if r["fault"] == fault and r["setting"] == setting]
            if not runs:
                continue
            ok = [r["recovery_s"] for r in runs if r.get("recovery_s") is not None]
            sb = [r["split_brain_s"] for r in runs if r.get("split_brain_s") is not None]
            fig = summary("keepalived-%s/%s fault->first-200" % (setting, fault), ok, None, commit, date)
            figures.append(fig)
            figures.append(summary("keepalived-%s/%s split-brain" % (setting, fault), sb, None, commit, date))
            cells[("keepalived-" + setting, fault)] = (fig, runs, len(runs) - len(ok), sb)
    with open(args.json_out, "w") as f:
        json.dump(figures, f, indent=2)
        f.write("\n")

    n_sc = max([r["run"] for r in scaler] or [0])
    md = ["# Failover side by side: the scaler and keepalived, same client, same faults, same run", "",
          "Generated by `%s` on %s (commit %s)%s." % (args.command, date, commit,
                                                     ", %s" % args.wall if args.wall else ""), "",
          "Fault -> first `200 OK` through the floating IP / VIP, seconds, %d runs per cell. Client: "
          "`client/sip_options_client.py probe` (SIP OPTIONS every 50 ms, 200 ms timeout); the figure is the "
          "arrival of the first 200 answering a request sent at or after the fault from another node "
          "(`analyze_events`). Scaler: 3-node cluster on the sandbox with real Kamailio, probe defaults "
          "(400 ms / 250 ms, 3 failures, majority confirmation). keepalived: `default` = VRRPv2 advert 1 s, "
          "check 1 s, fall 3; `fastest` = VRRPv3 advert 0.2 s, check 1 s (its minimum), fall 2."
          % n_sc, "",
          "## p99 and ratio scaler / keepalived", "",
          "| fault | scaler p99 | keepalived default p99 | ratio | keepalived fastest p99 | ratio |",
          "|---|---|---|---|---|---|"]
    for fault in faults:
        s = cells.get(("scaler", fault))
        d = cells.get(("keepalived-default", fault))
        q = cells.get(("keepalived-fastest", fault))
        sp = s[0]["p99"] if s else None
        dp = d[0]["p99"] if d else None
        qp = q[0]["p99"] if q else None
        md.append("| %s | **%s** | %s | %s | %s | %s |" % (
            FAULT_TEXT[fault], fmt(sp), fmt(dp), fmt(ratio(sp, dp)), fmt(qp), fmt(ratio(sp, qp))))
    md += ["", "Ratio < 1: the scaler recovers faster. Same ratio with p50 in the next table.", "",
           "## All figures", "",
           "| fault | system / setting | runs | failed | p50 | p95 | p99 | max | ratio p50 | ratio p99 "
           "| split brain p50 / max |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for fault in faults:
        s = cells.get(("scaler", fault))
        for key in (("scaler", fault), ("keepalived-default", fault), ("keepalived-fastest", fault)):
            c = cells.get(key)
            if not c:
                continue
            fig = c[0]
            if key[0] == "scaler":
                rp50 = rp99 = "-"
                sb = "-"
            else:
                rp50 = fmt(ratio(s[0]["p50"], fig["p50"])) if s else "-"
                rp99 = fmt(ratio(s[0]["p99"], fig["p99"])) if s else "-"
                sbv = c[3]
                sb = "%s / %s" % (fmt(percentile(sbv, 50)), fmt(max(sbv) if sbv else None))
            md.append("| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                FAULT_TEXT[fault], key[0] if key[0] != "scaler" else "scaler (defaults)", len(c[1]), c[2],
                fmt(fig["p50"]), fmt(fig["p95"]), fmt(fig["p99"]), fmt(fig["max"]), rp50, rp99, sb))
    md += ["", "## Scaler: where the time goes (diagnostic)", "",
           "Fault -> the scaler's floating-IP update as the sandbox logged it (detection: 3 failed probes every "
           "400 ms with a 250 ms timeout, majority confirmation, the decision committed through Raft, the Neutron "
           "call), and the rest up to the first 200 OK (the next client request through the moved IP). Seconds.", "",
           "| fault | runs | moved p50 | moved p99 | moved max | moved -> first 200 p50 | moved -> first 200 max |",
           "|---|---|---|---|---|---|---|"]
    for fault in faults:
        runs = [r for r in scaler if r["fault"] == fault and r.get("ip_moved_s") is not None
                and r.get("recovery_s") is not None]
        if not runs:
            continue
        moved = [r["ip_moved_s"] for r in runs]
        rest = [r["recovery_s"] - r["ip_moved_s"] for r in runs]
        md.append("| %s | %d | %s | %s | %s | %s | %s |" % (
            FAULT_TEXT[fault], len(runs), fmt(percentile(moved, 50)), fmt(percentile(moved, 99)), fmt(max(moved)),
            fmt(percentile(rest, 50)), fmt(max(rest))))
    slow = [r for r in scaler if r.get("recovery_s") is not None and r["recovery_s"] > SCALER_TARGET_S]
    if slow:
        scaler_dir = os.path.dirname(os.path.abspath(args.scaler_runs))
        md += ["", "Scaler runs above %.0f s: %s. A refused duplicate decision is the leader's decision counter "
               "restarting after a brief loss of leader readiness within the same Raft term: see "
               "bench/failover-side-by-side/README.md § Findings." % (SCALER_TARGET_S, "; ".join(
                   "%s run %d %.2f s (floating IP moved at %s s; %s duplicate decisions refused meanwhile)" % (
                       r["fault"], r["run"], r["recovery_s"], fmt(r.get("ip_moved_s")),
                       refused_during(scaler_dir, r)) for r in slow))]
    restored = [r for r in scaler if r.get("replaced_by_scaler") is not None]
    by_hand = [r for r in restored if not r["replaced_by_scaler"]]
    md += ["",
           "Scaler faults, on the member the floating IP forwarded to: `kill-kamailio` = SIGKILL to Kamailio's "
           "process group (sandbox kill); `freeze-kamailio` = SIGSTOP to it; `node-lost` = the server's traffic "
           "dropped and its Kamailio killed (a VM whose host died: nothing answers, not even ICMP, and Nova still "
           "says ACTIVE); `link-cut` = the server's traffic dropped (sandbox `drop`), Kamailio still running. "
           "Between runs the scaler itself replaced the failed member and the harness waited until both pairs had "
           "both members up again (%d of %d runs; %d restored by the harness after 90 s). The benchmark's scaler "
           "config differs from the defaults only in `failover { max-per-hour = 60, min-interval = 0s, "
           "replace-after = 2s }` (no anti-flap and a quick replacement, so that back-to-back runs measure the "
           "detection path); a fresh cluster every %s." % (
               len(restored) - len(by_hand), len(restored), len(by_hand), "50 failovers"),
           "keepalived faults: `node-lost` = keepalived and Kamailio SIGKILLed, `link-cut` = the node's veth down; "
           "split brain = both nodes held the VIP while both keepalived were alive with their link up.", "",
           "## Per-run fault -> first 200 OK (s)", ""]
    for fault in faults:
        for key in (("scaler", fault), ("keepalived-default", fault), ("keepalived-fastest", fault)):
            c = cells.get(key)
            if c:
                md.append("- %s / %s: %s" % (key[0], fault, " ".join(
                    "-" if r.get("recovery_s") is None else "%.3f" % r["recovery_s"] for r in c[1])))
    with open(args.md_out, "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(os.path.dirname(os.path.abspath(args.scaler_runs)), "runs-analyzed.json"), "w") as f:
        json.dump(scaler, f, indent=1)
    print("wrote %s and %s" % (args.json_out, args.md_out), flush=True)
    print("\n".join(md[md.index("## p99 and ratio scaler / keepalived"):md.index("## All figures")]), flush=True)

    if args.check_kill_p99 is not None:
        c = cells.get(("scaler", "kill-kamailio"))
        if c is None or not c[1]:
            print("FAIL: no scaler kill-kamailio runs to check", file=sys.stderr)
            return 1
        fig, runs, failed = c[0], c[1], c[2]
        if failed:
            print("FAIL: %d of %d scaler kill-kamailio runs got no 200 OK through the floating IP within 20 s"
                  % (failed, len(runs)), file=sys.stderr)
            return 1
        if fig["p99"] > args.check_kill_p99:
            print("FAIL: scaler killed-Kamailio fault -> first 200 OK p99 %.3f s > %.1f s (p50 %.3f, max %.3f, "
                  "%d runs: %s)" % (fig["p99"], args.check_kill_p99, fig["p50"], fig["max"], len(runs),
                                    " ".join("%.3f" % r["recovery_s"] for r in runs)), file=sys.stderr)
            return 1
        print("OK: scaler killed-Kamailio fault -> first 200 OK p99 %.3f s <= %.1f s (%d runs)"
              % (fig["p99"], args.check_kill_p99, len(runs)), flush=True)
    return 0


# ---------------------------------------------------------------- cleanup by PID

def start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        return stat[stat.rindex(")") + 2:].split(" ")[19]
    except (OSError, ValueError, IndexError):
        return None


def cleanup(args):
    killed = []
    pid_file = os.path.join(args.scaler_dir, "pids")
    if os.path.exists(pid_file):
        with open(pid_file) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3 or not parts[0].isdigit() or parts[1] == "0":
                    continue
                pid = int(parts[0])
                if pid != os.getpid() and start_time(pid) == parts[1]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        killed.append("%s %d" % (parts[2], pid))
                    except ProcessLookupError:
                        pass
        os.remove(pid_file)
    reg = os.path.join(args.scaler_dir, "tmp", "scaler-sandbox-processes")
    if os.path.isdir(reg):
        for name in os.listdir(reg):
            path = os.path.join(reg, name)
            try:
                with open(path) as f:
                    rec = f.read().split()
                pid = int(name)
                # the record's start time is in clock ticks since boot, as /proc/PID/stat field 22
                if len(rec) >= 2 and start_time(pid) == rec[1]:
                    os.killpg(pid, signal.SIGKILL)
                    killed.append("instance group %d" % pid)
            except (OSError, ValueError):
                pass
            try:
                os.remove(path)
            except OSError:
                pass
    if killed:
        print("cleanup: killed %s" % ", ".join(killed), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report")
    r.add_argument("--scaler-runs", required=True)
    r.add_argument("--keepalived-runs", required=True)
    r.add_argument("--json-out", required=True)
    r.add_argument("--md-out", required=True)
    r.add_argument("--command", default="bench/failover-side-by-side/run.sh")
    r.add_argument("--wall", default="")
    r.add_argument("--commit", help="the commit that ran (default: HEAD now)")
    r.add_argument("--check-kill-p99", type=float, help="fail when the scaler's kill-kamailio p99 exceeds this (s)")
    c = sub.add_parser("cleanup")
    c.add_argument("--scaler-dir", required=True)
    args = parser.parse_args()
    for p in ("scaler_runs", "keepalived_runs"):
        if args.cmd == "report" and not os.path.isfile(getattr(args, p)):
            parser.error("no such file: %s" % getattr(args, p))
    return report(args) if args.cmd == "report" else cleanup(args)


if __name__ == "__main__":
    sys.exit(main())
