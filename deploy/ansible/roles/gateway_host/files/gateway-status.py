#!/usr/bin/python3
"""Status adapter of a Gateway Host: upstream SIPMediaGW's view -> the scaler's status contract.

    gateway-status CONFIG.json          # serve GET <path> on <bind>:<port>
    gateway-status CONFIG.json --once   # print one snapshot and exit (tests, operators)

For each gateway slot 0..N-1 it asks upstream's HTTP launcher GET /gateway/status?gw_id=<i>
({"status": "success", "data": {"gw_state": "up"|"down", "room": ..., "browsing": ...}}) and answers
    {"<idle key>": <gateways up and not in a call>, "<terminate key>": <bool>, "gateways": N}
Gateways are single use: a slot seen up and now down has served its call and is done; the host
can be terminated once every slot is done. "Seen up" is kept in STATE_DIR so a restart of this
adapter does not forget it. A launcher that does not answer counts as neither idle nor done.
"""
import json
import os
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IDLE, BUSY, STARTING, DONE, UNKNOWN = "idle", "busy", "starting", "done", "unknown"


def load_config(path):
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    missing = [key for key in ("bind", "port", "path", "idle_key", "terminate_key", "gateways", "launcher",
                               "state_dir") if key not in config]
    if missing:
        raise ValueError("%s: missing keys %s" % (path, ", ".join(missing)))
    return config


def launcher_status(config, slot):
    """Upstream's data object for one slot, or None when the launcher gives no usable answer."""
    url = "%s/gateway/status?gw_id=%d" % (config["launcher"], slot)
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body = json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    if not isinstance(body, dict) or body.get("status") != "success" or not isinstance(body.get("data"), dict):
        return None
    return body["data"]


def seen_up_marker(config, slot):
    return os.path.join(config["state_dir"], "gw%d.seen-up" % slot)


def slot_state(config, slot):
    data = launcher_status(config, slot)
    if data is None:
        return UNKNOWN
    marker = seen_up_marker(config, slot)
    if data.get("gw_state") == "up":
        if not os.path.exists(marker):
            with open(marker, "w", encoding="ascii"):
                pass
        # a gateway waiting for a call has no room and no browser session; during a call
        # upstream reports the room it joined and the browser that is in it
        return BUSY if data.get("room") or data.get("browsing") else IDLE
    if data.get("gw_state") == "down":
        return DONE if os.path.exists(marker) else STARTING
    return UNKNOWN


def snapshot(config):
    states = [slot_state(config, slot) for slot in range(config["gateways"])]
    return {
        config["idle_key"]: sum(1 for state in states if state == IDLE),
        config["terminate_key"]: all(state == DONE for state in states),
        "gateways": config["gateways"],
    }


def serve(config):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            if self.path != config["path"]:
                self.send_error(404)
                return
            body = json.dumps(snapshot(config)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer((config["bind"], config["port"]), Handler).serve_forever()


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--once"):
        print("usage: gateway-status CONFIG.json [--once]", file=sys.stderr)
        return 2
    try:
        config = load_config(argv[1])
    except (OSError, ValueError) as error:
        print("gateway-status: %s" % error, file=sys.stderr)
        return 2
    if len(argv) == 3:
        print(json.dumps(snapshot(config)))
        return 0
    serve(config)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
