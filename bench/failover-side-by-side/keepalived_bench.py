#!/usr/bin/python3
"""keepalived (VRRP) half of the failover side-by-side benchmark.

Builds four network namespaces (sbs-br with a Linux bridge, sbs-n1 and sbs-n2 each running
Kamailio + keepalived, sbs-cl running the shared SIP OPTIONS client), then for every
setting x fault cell injects the fault on the current VRRP master, measures fault -> first
200 OK through the virtual IP and the time both nodes held the virtual IP, restores, waits
for a stable master and repeats. Run through run-keepalived.sh (see README.md).

All test traffic stays inside the namespaces: nothing here sends a packet from the root
namespace, the client runs inside sbs-cl, and 10.77.0.0/24 exists only inside namespaces.
"""
import argparse
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CLIENT = os.path.join(HERE, "client", "sip_options_client.py")
sys.path.insert(0, os.path.join(HERE, "client"))
sys.path.insert(0, os.path.join(HERE, ".."))
import sip_options_client as client_lib  # noqa: E402
from percentiles import percentile  # noqa: E402  (nearest rank, like every benchmark)

PREFIX = "sbs-"
NS = {"br": "sbs-br", "n1": "sbs-n1", "n2": "sbs-n2", "cl": "sbs-cl"}
NODES = ("n1", "n2")
ADDR = {"n1": "10.77.0.11", "n2": "10.77.0.12", "cl": "10.77.0.20"}
VIP = "10.77.0.100"
PLEN = 24
SIP_PORT = 5060
RUNDIR = "/run/sbs-bench"  # root-owned 0755: keepalived's script security accepts scripts here
KAMAILIO_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"

SETTINGS = {
    # The package defaults for timing, as the package documents them.
    "default": {"version": 2, "advert_int": "1", "interval": 1, "fall": 3, "rise": 1},
    # Fastest accepted: VRRPv3 allows sub-second adverts; vrrp_script refuses intervals < 1 s.
    "fastest": {"version": 3, "advert_int": "0.2", "interval": 1, "fall": 2, "rise": 1},
}
FAULTS = ("kill-kamailio", "freeze-kamailio", "node-lost", "link-cut")

CLIENT_INTERVAL = 0.05
CLIENT_TIMEOUT = 0.2
CLIENT_MAX_DURATION = 60.0
RECOVERY_BOUND = 20.0      # a run without a 200 OK within this is recorded as failed
PHASE_JITTER = 1.0         # random wait before the fault, >= the longest timer period (1 s), see one_run
OBSERVE_AFTER = 0.6        # keep probing after recovery to see flapping back to the failed node
READY_BOUND = 45.0         # stable master after restore
STABLE_FOR = 1.0           # ... held for this long
BASELINE_OKS = 10          # consecutive 200s from the master before a fault is injected
BASELINE_BOUND = 15.0


def now():
    return time.monotonic()


def run(cmd, check=True, timeout=10):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), res.returncode, res.stderr.strip()))
    return res


def wait_until(cond, bound, step=0.05, what="condition"):
    """Awaitility-style polling: bounded in time and in iterations."""
    deadline = now() + bound
    for _ in range(int(bound / step) + 2):
        value = cond()
        if value:
            return value
        if now() >= deadline:
            break
        time.sleep(step)
    raise TimeoutError("timed out after %.1f s waiting for %s" % (bound, what))


# ---------------------------------------------------------------- cleanup

def cleanup(verbose=True):
    """Kill every process inside our namespaces (by PID, as listed by `ip netns pids`) and
    delete the namespaces. Also used at start to remove leftovers of an interrupted run."""
    res = run(["ip", "netns", "list"], check=False)
    ours = [line.split()[0] for line in res.stdout.splitlines() if line.split() and line.split()[0].startswith(PREFIX)]
    for ns in ours:
        for _ in range(5):  # bounded: kamailio workers may still be exiting
            pids = [int(p) for p in run(["ip", "netns", "pids", ns], check=False).stdout.split() if p.isdigit()]
            pids = [p for p in pids if p != os.getpid()]
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
    for ns in ours:
        run(["ip", "netns", "del", ns], check=False)
    if verbose and ours:
        print("cleanup: removed namespaces %s" % " ".join(ours), flush=True)


# ---------------------------------------------------------------- topology

def build_topology():
    for ns in NS.values():
        run(["ip", "netns", "add", ns])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
    br = NS["br"]
    run(["ip", "-n", br, "link", "add", "name", "br0", "type", "bridge"])
    # VRRP adverts are multicast (224.0.0.18): no snooping, no STP delay.
    run(["ip", "-n", br, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0"])
    run(["ip", "-n", br, "link", "set", "br0", "up"])
    for name in ("n1", "n2", "cl"):
        ns = NS[name]
        run(["ip", "-n", br, "link", "add", "name", "v-" + name, "type", "veth", "peer", "name", "eth0", "netns", ns])
        run(["ip", "-n", br, "link", "set", "v-" + name, "master", "br0", "up"])
        run(["ip", "-n", ns, "addr", "add", "%s/%d" % (ADDR[name], PLEN), "dev", "eth0"])
        run(["ip", "-n", ns, "link", "set", "eth0", "up"])
    for name in NODES:
        # Kamailio listens on the VIP explicitly even while another node holds it.
        run(["ip", "netns", "exec", NS[name], "sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1"])


# ---------------------------------------------------------------- configs

def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def kamailio_cfg(node):
    return """#!KAMAILIO
# Answers OPTIONS on loopback, the node address and the VIP (bound with ip_nonlocal_bind).
debug=1
log_stderror=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:{port}
listen=udp:{addr}:{port}
listen=udp:{vip}:{port}
mpath="{mpath}"
loadmodule "pv.so"
loadmodule "sl.so"
loadmodule "siputils.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
request_route {{
    if (is_method("OPTIONS")) {{
        append_to_reply("X-Node: {node}\\r\\n");
        sl_send_reply("200", "OK");
        exit;
    }}
    sl_send_reply("405", "Method Not Allowed");
    exit;
}}
""".format(port=SIP_PORT, addr=ADDR[node], vip=VIP, mpath=KAMAILIO_MODULES, node=node)


def keepalived_cfg(node, setting):
    s = SETTINGS[setting]
    return """! generated by keepalived_bench.py: setting {setting}, node {node}
global_defs {{
    router_id sbs-{node}
    script_user root
    enable_script_security
}}
vrrp_script chk_sip {{
    script "{rundir}/check-sip.sh"
    interval {interval}
    timeout 1
    fall {fall}
    rise {rise}
}}
vrrp_instance VI_SBS {{
    state BACKUP
    nopreempt
    interface eth0
    virtual_router_id 77
    version {version}
    priority {prio}
    advert_int {advert}
    virtual_ipaddress {{
        {vip}/{plen} dev eth0
    }}
    track_script {{
        chk_sip
    }}
    notify "{rundir}/notify.sh {node}"
}}
""".format(setting=setting, node=node, rundir=RUNDIR, interval=s["interval"], fall=s["fall"],
           rise=s["rise"], version=s["version"], prio=100 if node == "n1" else 90,
           advert=s["advert_int"], vip=VIP, plen=PLEN)


CHECK_SH = """#!/bin/sh
# keepalived vrrp_script: SIP OPTIONS to the local Kamailio. sipsak alone would retransmit for
# seconds against a frozen Kamailio, so it is cut at 0.5 s (T1 lowered to 100 ms).
exec /usr/bin/timeout 0.5 /usr/bin/sipsak --timer-t1=100 -s sip:check@127.0.0.1:5060 >/dev/null 2>&1
"""

NOTIFY_SH = """#!/bin/sh
# keepalived notify: $1 = node (our argument), then TYPE NAME STATE PRIORITY.
printf '%s %s %s\\n' "$(date +%s.%N)" "$1" "$4" >> {rundir}/notify-$1.log
""".format(rundir=RUNDIR)


# ---------------------------------------------------------------- processes

def remove_stale(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class Proc:
    def __init__(self, name, cmd, log_path):
        self.name = name
        self.log = open(log_path, "a")
        # Own session: the process group id is the pid, so the whole Kamailio (main + workers)
        # or keepalived (parent + VRRP child) is signalled at once.
        self.popen = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        self.pgid = self.popen.pid

    def signal_group(self, sig):
        try:
            os.killpg(self.pgid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        self.signal_group(signal.SIGKILL)
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()


class Cluster:
    def __init__(self, setting, outdir):
        self.setting = setting
        self.outdir = outdir
        self.kam = {}
        self.ka = {}

    def prepare_files(self):
        os.makedirs(RUNDIR, mode=0o755, exist_ok=True)
        os.chmod(RUNDIR, 0o755)
        write(os.path.join(RUNDIR, "check-sip.sh"), CHECK_SH, 0o755)
        write(os.path.join(RUNDIR, "notify.sh"), NOTIFY_SH, 0o755)
        for node in NODES:
            os.makedirs(os.path.join(RUNDIR, node), mode=0o755, exist_ok=True)
            write(os.path.join(RUNDIR, node, "kamailio.cfg"), kamailio_cfg(node))
            write(os.path.join(RUNDIR, node, "keepalived.conf"), keepalived_cfg(node, self.setting))
            notify_log = os.path.join(RUNDIR, "notify-%s.log" % node)
            if os.path.exists(notify_log):
                os.remove(notify_log)

    def start_kamailio(self, node):
        d = os.path.join(RUNDIR, node)
        remove_stale(os.path.join(d, "kamailio.pid"))
        cmd = ["ip", "netns", "exec", NS[node], "kamailio", "-DD", "-E", "-f", os.path.join(d, "kamailio.cfg"),
               "-m", "32", "-M", "4", "-Y", d, "-P", os.path.join(d, "kamailio.pid")]
        self.kam[node] = Proc("kamailio-" + node, cmd, os.path.join(self.outdir, "kamailio-%s.log" % node))
        wait_until(lambda: self.kamailio_answers(node), 10, 0.05, "kamailio on %s" % node)

    def kamailio_answers(self, node):
        res = run(["ip", "netns", "exec", NS[node], "timeout", "0.5", "sipsak", "--timer-t1=100", "-s",
                   "sip:ready@127.0.0.1:%d" % SIP_PORT], check=False)
        return res.returncode == 0

    def start_keepalived(self, node):
        d = os.path.join(RUNDIR, node)
        # A SIGKILLed keepalived leaves its pid files; if the machine has reused one of those PIDs,
        # keepalived refuses to start ("daemon is already running").
        for name in ("keepalived.pid", "vrrp.pid", "checkers.pid"):
            remove_stale(os.path.join(d, name))
        cmd = ["ip", "netns", "exec", NS[node], "keepalived", "-n", "-l", "-D", "--vrrp",
               "-f", os.path.join(d, "keepalived.conf"), "-p", os.path.join(d, "keepalived.pid"),
               "-r", os.path.join(d, "vrrp.pid"), "-c", os.path.join(d, "checkers.pid")]
        self.ka[node] = Proc("keepalived-" + node, cmd, os.path.join(self.outdir, "keepalived-%s.log" % node))

    def start(self):
        self.prepare_files()
        for node in NODES:
            self.start_kamailio(node)
        for node in NODES:
            self.start_keepalived(node)

    def stop(self):
        for procs in (self.ka, self.kam):
            for proc in procs.values():
                proc.signal_group(signal.SIGCONT)
                proc.kill()


# ---------------------------------------------------------------- observation

def vip_holders():
    held = set()
    for node in NODES:
        out = run(["ip", "-n", NS[node], "-4", "-o", "addr", "show", "dev", "eth0"], check=False).stdout
        if (" %s/" % VIP) in out:
            held.add(node)
    return held


def notify_state(node):
    path = os.path.join(RUNDIR, "notify-%s.log" % node)
    try:
        with open(path) as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return None
    lines = [line for line in lines if line.strip()]
    return lines[-1].split()[2] if lines else None


class VipWatcher:
    """Timeline of VIP add/delete per node from `ip monitor address` (event driven, no polling
    gap), plus orchestrator-marked eligibility (keepalived alive and link up)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []  # (t, kind, node, value)  kind in {"vip", "eligible"}
        self.procs = []
        self.threads = []

    def start(self):
        t = now()
        holders = vip_holders()
        with self.lock:
            for node in NODES:
                self.events.append((t, "vip", node, node in holders))
                self.events.append((t, "eligible", node, True))
        for node in NODES:
            p = subprocess.Popen(["ip", "-n", NS[node], "-o", "-4", "monitor", "address"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, bufsize=1, start_new_session=True)
            self.procs.append(p)
            th = threading.Thread(target=self._read, args=(node, p), daemon=True)
            th.start()
            self.threads.append(th)

    def _read(self, node, p):
        for line in p.stdout:
            t = now()
            if (" %s/" % VIP) not in line:
                continue
            with self.lock:
                self.events.append((t, "vip", node, not line.startswith("Deleted")))

    def mark(self, node, eligible, t=None):
        with self.lock:
            self.events.append((now() if t is None else t, "eligible", node, eligible))

    def stop(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=5)

    def overlap(self, t_from, t_to):
        """(split brain with both nodes live, raw overlap) within [t_from, t_to]."""
        with self.lock:
            events = sorted(self.events, key=lambda e: e[0])
        vip = {n: False for n in NODES}
        elig = {n: True for n in NODES}
        live = raw = 0.0
        prev = t_from
        for t, kind, node, value in events + [(t_to, "end", None, None)]:
            if t > t_from:
                seg_end = min(t, t_to)
                if seg_end > prev:
                    if all(vip.values()):
                        raw += seg_end - prev
                        if all(elig.values()):
                            live += seg_end - prev
                    prev = seg_end
            if t >= t_to:
                break
            if kind == "vip":
                vip[node] = value
            elif kind == "eligible":
                elig[node] = value
        return live, raw


class ClientLog:
    """Incremental reader of the client's JSON-lines file while it is being written."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.buf = ""
        self.events = []
        self.bad_lines = 0

    def poll(self):
        try:
            with open(self.path) as f:
                f.seek(self.pos)
                chunk = f.read()
                self.pos = f.tell()
        except FileNotFoundError:
            return self.events
        self.buf += chunk
        lines = self.buf.split("\n")
        self.buf = lines.pop()
        for line in lines:
            if line.strip():
                try:
                    self.events.append(json.loads(line))
                except ValueError:
                    self.bad_lines += 1
        return self.events


def consecutive_oks_from(events, node):
    count = 0
    for ev in reversed(events):
        if ev["ev"] == "reply":
            if ev["code"] == 200 and ev.get("node") == node:
                count += 1
            else:
                break
        elif ev["ev"] == "timeout":
            break
    return count


# ---------------------------------------------------------------- benchmark

class Bench:
    def __init__(self, setting, outdir, rng):
        self.rng = rng
        self.cluster = Cluster(setting, outdir)
        self.outdir = outdir
        self.watcher = VipWatcher()

    def start(self):
        self.cluster.start()
        self.wait_ready()
        self.watcher.start()

    def stop(self):
        self.watcher.stop()
        self.cluster.stop()

    def wait_ready(self):
        """Exactly one node holds the VIP, it says MASTER and the other says BACKUP, for STABLE_FOR s."""
        since = {"t": None, "master": None}

        def stable():
            holders = vip_holders()
            master = None
            if len(holders) == 1:
                m = next(iter(holders))
                other = "n2" if m == "n1" else "n1"
                if notify_state(m) == "MASTER" and notify_state(other) == "BACKUP":
                    master = m
            if master is None or master != since["master"]:
                since["t"], since["master"] = (now(), master)
                return None
            return master if now() - since["t"] >= STABLE_FOR else None

        return wait_until(stable, READY_BOUND, 0.05, "a stable VRRP master")

    def inject(self, fault, m):
        c = self.cluster
        if fault == "kill-kamailio":
            t = now()
            c.kam[m].signal_group(signal.SIGKILL)
            return t, t
        if fault == "freeze-kamailio":
            t = now()
            c.kam[m].signal_group(signal.SIGSTOP)
            return t, t
        if fault == "node-lost":
            t = now()
            c.ka[m].signal_group(signal.SIGKILL)
            c.kam[m].signal_group(signal.SIGKILL)
            self.watcher.mark(m, False, t)
            return t, t
        if fault == "link-cut":
            t0 = now()
            run(["ip", "-n", NS[m], "link", "set", "eth0", "down"])
            t1 = now()
            self.watcher.mark(m, False, t1)
            # The link is down somewhere in [t0, t1]; t1 is used (a few ms conservative).
            return t1, t0
        raise AssertionError(fault)

    def restore(self, fault, m):
        c = self.cluster
        if fault == "kill-kamailio":
            c.kam[m].kill()
            c.start_kamailio(m)
        elif fault == "freeze-kamailio":
            c.kam[m].signal_group(signal.SIGCONT)
        elif fault == "node-lost":
            c.kam[m].kill()
            c.ka[m].kill()
            stale = VIP in run(["ip", "-n", NS[m], "-4", "-o", "addr", "show", "dev", "eth0"]).stdout
            if stale:
                # A SIGKILLed keepalived leaves its VIP configured; a rebooted node would not have it.
                run(["ip", "-n", NS[m], "addr", "del", "%s/%d" % (VIP, PLEN), "dev", "eth0"])
            c.start_kamailio(m)
            c.start_keepalived(m)
            self.watcher.mark(m, True)
            return {"stale_vip_after_kill": stale}
        elif fault == "link-cut":
            run(["ip", "-n", NS[m], "link", "set", "eth0", "up"])
            self.watcher.mark(m, True)
        else:
            raise AssertionError(fault)
        return {}

    def one_run(self, fault, index):
        master = self.wait_ready()
        log_path = os.path.join(self.outdir, "client-%s-%02d.jsonl" % (fault, index))
        if os.path.exists(log_path):
            os.remove(log_path)  # a previous invocation's log must not be tailed as this run's
        client = Proc("client", ["ip", "netns", "exec", NS["cl"], "/usr/bin/python3", CLIENT, "probe",
                                 "--target", "%s:%d" % (VIP, SIP_PORT), "--interval", str(CLIENT_INTERVAL),
                                 "--timeout", str(CLIENT_TIMEOUT), "--duration", str(CLIENT_MAX_DURATION),
                                 "--out", log_path], os.devnull)
        result = {"fault": fault, "run": index, "failed_node": master}
        try:
            log = ClientLog(log_path)
            wait_until(lambda: consecutive_oks_from(log.poll(), master) >= BASELINE_OKS, BASELINE_BOUND, 0.02,
                       "%d consecutive 200s from %s" % (BASELINE_OKS, master))
            # Without this, the fixed durations of restore + settle + baseline put every fault at
            # nearly the same phase of keepalived's advert and check timers, which biases the
            # distribution (first full run: link-cut clustered at 2.7-3.0 s). Uniform over 1 s
            # covers the 1 s check interval and both advert intervals.
            phase = self.rng.uniform(0, PHASE_JITTER)
            time.sleep(phase)
            result["phase_delay_s"] = phase
            t_fault, t_fault_cmd = self.inject(fault, master)
            analysis = {"recovery_s": None}

            def recovered():
                analysis.update(client_lib.analyze_events(log.poll(), t_fault, master))
                return analysis["recovery_s"] is not None

            try:
                wait_until(recovered, RECOVERY_BOUND, 0.02, "first 200 OK after the fault")
            except TimeoutError:
                pass
            time.sleep(OBSERVE_AFTER)
            events = log.poll()
            analysis = client_lib.analyze_events(events, t_fault, master)
            after_ok = [e for e in events if e["ev"] == "reply" and e["code"] == 200 and e["sent"] >= t_fault]
            result.update({
                "recovery_s": analysis["recovery_s"],
                "fault_cmd_s": t_fault - t_fault_cmd,
                "new_node": analysis["first_ok"]["node"] if analysis["first_ok"] else None,
                "reply_src": analysis["first_ok"]["src"] if analysis["first_ok"] else None,
                "timeouts_until_recovery": analysis["timeouts_until_recovery"],
                "ok_from_failed_node_after_fault": analysis["ok_from_failed_node_after_fault"],
                "oks_in_observation": len(after_ok),
            })
        finally:
            client.signal_group(signal.SIGTERM)
            try:
                client.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                client.kill()
        t_restore = now()
        result.update(self.restore(fault, master))
        result["new_master"] = self.wait_ready()
        t_ready = now()
        live, raw = self.watcher.overlap(t_fault, t_ready)
        result.update({"split_brain_s": live, "vip_on_both_raw_s": raw, "restore_s": t_ready - t_restore})
        return result


def summary(name, values, target, commit, date):
    r = lambda x: None if x is None else round(x, 4)  # noqa: E731
    return {"name": name, "unit": "s", "runs": len(values), "p50": r(percentile(values, 50)),
            "p95": r(percentile(values, 95)), "p99": r(percentile(values, 99)),
            "max": r(max(values) if values else None), "target": target, "commit": commit, "date": date}


def write_results(all_runs, args, commit, date, started):
    cell_commit = lambda runs: "+".join(sorted({r.get("commit", commit) for r in runs})) or commit  # noqa: E731
    figures = []
    md = ["# Failover side by side: keepalived (VRRP) half", "",
          "Generated by `bench/failover-side-by-side/run-keepalived.sh --runs %d` on %s (commit %s), %s."
          % (args.runs, date, cell_commit(all_runs),
             "from saved runs %s" % " ".join(args.from_runs) if args.from_runs else "%.0f s wall" % (now() - started)), "",
          "Fault -> first 200 OK through the VIP (client: OPTIONS every %d ms, %d ms timeout). "
          "Split brain = time both nodes had the VIP while both keepalived were alive with their link up."
          % (CLIENT_INTERVAL * 1000, CLIENT_TIMEOUT * 1000), "",
          "| setting | fault | runs | failed | p50 s | p95 s | p99 s | max s | split brain p50 / max s |",
          "|---|---|---|---|---|---|---|---|---|"]
    details = ["", "## Per-run fault -> first 200 OK (s)", ""]
    for setting in args.settings:
        for fault in args.faults:
            runs = [r for r in all_runs if r["setting"] == setting and r["fault"] == fault]
            ok = [r["recovery_s"] for r in runs if r.get("recovery_s") is not None]
            sb = [r["split_brain_s"] for r in runs if r.get("split_brain_s") is not None]
            c = cell_commit(runs)
            f = summary("keepalived-%s/%s fault->first-200" % (setting, fault), ok, None, c, date)
            s = summary("keepalived-%s/%s split-brain" % (setting, fault), sb, None, c, date)
            figures += [f, s]
            fmt = lambda x: "-" if x is None else "%.3f" % x  # noqa: E731
            md.append("| %s | %s | %d | %d | %s | %s | %s | %s | %s / %s |" % (
                setting, fault, len(runs), len(runs) - len(ok), fmt(f["p50"]), fmt(f["p95"]), fmt(f["p99"]),
                fmt(f["max"]), fmt(s["p50"]), fmt(s["max"])))
            details.append("- %s / %s: %s" % (setting, fault, " ".join(
                fmt(r.get("recovery_s")) for r in runs)))
    settings_md = ["", "## Settings", ""]
    for name, s in SETTINGS.items():
        settings_md.append("- %s: VRRPv%d, advert_int %s s, vrrp_script interval %d s, fall %d, rise %d, "
                           "nopreempt, check = sipsak OPTIONS to 127.0.0.1 cut at 0.5 s"
                           % (name, s["version"], s["advert_int"], s["interval"], s["fall"], s["rise"]))
    with open(args.json_out, "w") as f:
        json.dump(figures, f, indent=2)
        f.write("\n")
    with open(args.md_out, "w") as f:
        f.write("\n".join(md + details + settings_md) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="runs per setting x fault cell (default 30)")
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--faults", nargs="+", default=list(FAULTS), choices=list(FAULTS))
    parser.add_argument("--out-dir", default=os.path.join(HERE, "out"), help="raw logs (client, kamailio, keepalived)")
    parser.add_argument("--json-out", default=os.path.join(REPO, "bench", "results", "failover-side-by-side-keepalived.json"))
    parser.add_argument("--md-out", default=os.path.join(REPO, "bench", "results", "failover-side-by-side-keepalived.md"))
    parser.add_argument("--cleanup-only", action="store_true", help="remove leftovers of an interrupted run and exit")
    parser.add_argument("--seed", type=int, default=11, help="seed of the random fault phase (default 11)")
    parser.add_argument("--from-runs", nargs="+", metavar="RUNS_JSON",
                        help="do not run: rebuild the results from saved out/runs.json files (e.g. one per setting)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        parser.error("needs root (network namespaces)")
    if args.cleanup_only:
        cleanup()
        return 0
    if args.from_runs:
        all_runs = []
        for path in args.from_runs:
            with open(path) as f:
                all_runs += json.load(f)
        args.settings = [s for s in SETTINGS if any(r["setting"] == s for r in all_runs)]
        args.runs = max(r["run"] for r in all_runs)
        write_results(all_runs, args, run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.strip(),
                      datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), now())
        print("wrote %s and %s" % (args.json_out, args.md_out), flush=True)
        return 0
    if not 1 <= args.runs <= 200:
        parser.error("--runs must be in [1, 200]")

    def on_term(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    commit = run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.strip()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = now()
    all_runs = []
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    raw_path = os.path.join(args.out_dir, "runs.json")
    cleanup()
    try:
        for setting in args.settings:
            outdir = os.path.join(args.out_dir, setting)
            os.makedirs(outdir, exist_ok=True)
            build_topology()
            bench = Bench(setting, outdir, rng)
            try:
                try:
                    bench.start()
                except TimeoutError:
                    # One fresh retry before giving up on the setting.
                    bench.stop()
                    cleanup(verbose=False)
                    build_topology()
                    bench = Bench(setting, outdir, rng)
                    bench.start()
                for fault in args.faults:
                    for i in range(1, args.runs + 1):
                        try:
                            r = bench.one_run(fault, i)
                        except TimeoutError as exc:
                            # Recorded as a failed run; the cell goes on from a fresh cluster.
                            r = {"fault": fault, "run": i, "recovery_s": None, "error": str(exc)}
                            bench.stop()
                            cleanup(verbose=False)
                            build_topology()
                            bench = Bench(setting, outdir, rng)
                            bench.start()
                        r["setting"] = setting
                        r["commit"] = commit
                        all_runs.append(r)
                        print(json.dumps(r), flush=True)
                        with open(raw_path, "w") as f:
                            json.dump(all_runs, f, indent=1)
            finally:
                bench.stop()
                cleanup(verbose=False)
        write_results(all_runs, args, commit, date, started)
        print("wrote %s and %s" % (args.json_out, args.md_out), flush=True)
    except KeyboardInterrupt:
        # Partial runs stay in out/runs.json; the committed results are not overwritten.
        print("interrupted after %d runs; cleaning up" % len(all_runs), file=sys.stderr, flush=True)
        return 130
    finally:
        cleanup(verbose=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
