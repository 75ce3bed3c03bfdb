#!/usr/bin/python3
"""SIP OPTIONS prober shared by both halves of the failover side-by-side benchmark.

Two sub-commands, stdlib only (run with /usr/bin/python3):

  probe    send SIP OPTIONS over UDP to TARGET every INTERVAL seconds for at most DURATION
           seconds and write one JSON object per line to OUT (send / reply / timeout / late).
  analyze  read such a log and print, as JSON, the time from a fault instant to the first
           200 OK answering a request sent at or after the fault (optionally from a node
           other than the failed one).

Every timestamp "t" is time.monotonic() = CLOCK_MONOTONIC in seconds. That clock is shared by
all processes on the machine and is not affected by network namespaces, so an orchestrator
(Python time.monotonic(), Java System.nanoTime()/1e9 on Linux, `cat /proc/uptime` is NOT it)
can record the fault instant in the same time base and hand it to `analyze`.

The socket is unconnected on purpose: a reply is accepted from any source address, so a
Kamailio bound to 0.0.0.0 (which answers from its primary address, not from the VIP) is still
counted, and the reply's source address is logged to tell the nodes apart. A node is also
recognised by an "X-Node" header (the benchmark's Kamailio adds it) or failing that the
"Server" header.
"""
import argparse
import json
import os
import random
import select
import signal
import socket
import sys
import time


def parse_target(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("target must be HOST:PORT, got %r" % text)
    return host, int(port)


def local_address_towards(host, port):
    # connect() on a UDP socket sends nothing; it only asks the kernel which source it would use.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect((host, port))
        return probe.getsockname()[0]
    finally:
        probe.close()


def build_options(host, port, local_ip, local_port, seq, run_tag):
    branch = "z9hG4bK-%s-%d" % (run_tag, seq)
    return (
        "OPTIONS sip:probe@%s:%d SIP/2.0\r\n"
        "Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:client@%s>;tag=%s\r\n"
        "To: <sip:probe@%s:%d>\r\n"
        "Call-ID: %s-%d@sbs-client\r\n"
        "CSeq: %d OPTIONS\r\n"
        "Contact: <sip:client@%s:%d>\r\n"
        "User-Agent: sbs-options-client\r\n"
        "Content-Length: 0\r\n\r\n"
        % (host, port, local_ip, local_port, branch, local_ip, run_tag, host, port,
           run_tag, seq, seq, local_ip, local_port)
    ).encode("ascii")


def parse_reply(data):
    """Return (code, call_id, cseq, node_header) or None when the datagram is not a SIP reply."""
    try:
        text = data.decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - any undecodable datagram is just ignored
        return None
    head, _, _ = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    first = lines[0].split(" ", 2)
    if len(first) < 2 or not first[0].startswith("SIP/2.0") or not first[1].isdigit():
        return None
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    cseq = headers.get("cseq", "").split(" ")[0]
    node = headers.get("x-node") or headers.get("server")
    return int(first[1]), headers.get("call-id", headers.get("i", "")), \
        int(cseq) if cseq.isdigit() else None, node


def probe(args):
    host, port = args.target
    run_tag = "%08x" % random.getrandbits(32)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.bind or "0.0.0.0", 0))
    sock.setblocking(False)
    local_ip = args.bind or local_address_towards(host, port)
    local_port = sock.getsockname()[1]
    out = open(args.out, "w", buffering=1)  # line buffered: the orchestrator tails this file
    stop = {"flag": False}

    def on_signal(_signum, _frame):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def log(obj):
        out.write(json.dumps(obj, separators=(",", ":")) + "\n")

    t0 = time.monotonic()
    log({"ev": "start", "t": t0, "wall": time.time(), "target": "%s:%d" % (host, port),
         "local": "%s:%d" % (local_ip, local_port), "interval": args.interval,
         "timeout": args.timeout, "duration": args.duration, "clock": "CLOCK_MONOTONIC",
         "pid": os.getpid()})
    deadline = t0 + args.duration
    max_sends = int(args.duration / args.interval) + 2  # hard bound on the loop, whatever the clock does
    pending = {}  # seq -> send time
    expired = {}  # seq -> send time, kept so that late replies can still be reported
    seq = 0
    next_send = t0
    while not stop["flag"]:
        now = time.monotonic()
        if now >= deadline:
            break
        if now >= next_send and seq < max_sends:
            seq += 1
            try:
                sock.sendto(build_options(host, port, local_ip, local_port, seq, run_tag), (host, port))
                log({"ev": "send", "seq": seq, "t": now})
                pending[seq] = now
            except OSError as exc:  # e.g. ENETUNREACH while an address moves
                log({"ev": "send_error", "seq": seq, "t": now, "err": exc.strerror})
            next_send += args.interval
            if next_send < now:  # fell behind (scheduler stall): do not send a burst to catch up
                next_send = now + args.interval
        for s, sent in list(pending.items()):
            if now - sent >= args.timeout:
                del pending[s]
                expired[s] = sent
                log({"ev": "timeout", "seq": s, "t": now, "sent": sent})
        if len(expired) > 2000:
            for s in sorted(expired)[:1000]:
                del expired[s]
        wake = min([next_send, deadline] + [sent + args.timeout for sent in pending.values()])
        wait = max(0.0, min(wake - time.monotonic(), 0.05))
        try:
            readable, _, _ = select.select([sock], [], [], wait)
        except InterruptedError:
            continue
        if not readable:
            continue
        for _ in range(64):  # drain what is queued, bounded
            try:
                data, src = sock.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                log({"ev": "recv_error", "t": time.monotonic(), "err": exc.strerror})
                break
            t = time.monotonic()
            parsed = parse_reply(data)
            if parsed is None:
                continue
            code, call_id, cseq, node = parsed
            if not call_id.startswith(run_tag) or cseq is None:
                continue
            src_text = "%s:%d" % src
            if cseq in pending:
                sent = pending.pop(cseq)
                log({"ev": "reply", "seq": cseq, "t": t, "sent": sent, "code": code,
                     "rtt_ms": round((t - sent) * 1000, 3), "src": src_text, "node": node})
            elif cseq in expired:
                sent = expired.pop(cseq)
                log({"ev": "late", "seq": cseq, "t": t, "sent": sent, "code": code,
                     "rtt_ms": round((t - sent) * 1000, 3), "src": src_text, "node": node})
    log({"ev": "end", "t": time.monotonic(), "sent": seq})
    out.close()
    sock.close()
    return 0


def load_events(path):
    events = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                events.append(json.loads(line))
            except ValueError:
                pass  # the last line may be half written while the client runs
    return events


def analyze_events(events, fault_t, failed_node=None):
    """Fault -> first 200 OK (reply to a request sent at/after the fault, not from failed_node)."""
    first = None
    last_ok_before = None
    from_failed_after = 0
    sent_after = timeouts_after = 0
    for ev in events:
        kind = ev.get("ev")
        if kind == "send" and ev["t"] >= fault_t and first is None:
            sent_after += 1
        elif kind == "timeout" and ev["sent"] >= fault_t and (first is None or ev["sent"] < first["t"]):
            timeouts_after += 1
        elif kind == "reply" and ev.get("code") == 200:
            if ev["sent"] < fault_t:
                last_ok_before = ev
            elif failed_node is not None and ev.get("node") == failed_node:
                from_failed_after += 1
            elif first is None:
                first = ev
    return {
        "fault_t": fault_t,
        "recovery_s": None if first is None else first["t"] - fault_t,
        "first_ok": first,
        "last_ok_before_fault_t": None if last_ok_before is None else last_ok_before["t"],
        "ok_from_failed_node_after_fault": from_failed_after,
        "requests_sent_until_recovery": sent_after,
        "timeouts_until_recovery": timeouts_after,
    }


def analyze(args):
    result = analyze_events(load_events(args.log), args.fault_t, args.failed_node)
    print(json.dumps(result))
    return 0 if result["recovery_s"] is not None else 2


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("probe", help="send OPTIONS and log every send/reply")
    p.add_argument("--target", type=parse_target, required=True, help="HOST:PORT, e.g. 10.77.0.100:5060")
    p.add_argument("--interval", type=float, default=0.05, help="seconds between requests (default 0.05)")
    p.add_argument("--timeout", type=float, default=0.2, help="seconds before a request counts as lost (default 0.2)")
    p.add_argument("--duration", type=float, required=True, help="hard upper bound of the run in seconds")
    p.add_argument("--out", required=True, help="JSON-lines output file")
    p.add_argument("--bind", help="local source address (default: the kernel's choice towards the target)")
    a = sub.add_parser("analyze", help="fault -> first 200 OK from a log")
    a.add_argument("--log", required=True)
    a.add_argument("--fault-t", type=float, required=True, help="fault instant, CLOCK_MONOTONIC seconds")
    a.add_argument("--failed-node", help="ignore 200s carrying this node id (X-Node/Server header)")
    args = parser.parse_args(argv)
    if args.cmd == "probe":
        if not (0.001 <= args.interval <= 10 and 0.001 <= args.timeout <= 10 and 0 < args.duration <= 3600):
            parser.error("interval/timeout must be in [0.001, 10] s and duration in (0, 3600] s")
        return probe(args)
    return analyze(args)


if __name__ == "__main__":
    sys.exit(main())
