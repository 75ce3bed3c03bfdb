#!/usr/bin/env bash
# What this machine can check of a Gateway Host (no Docker engine, no kernel modules to load here):
#   - the gateway_host role's files rendered with its defaults and a test inventory: upstream's .env (image
#     renater/sipmediagw:<tag>, WEBRTC_DOMAINS as JSON, the gateway prefix), the gateway unit (upstream's
#     SIPMediaGW.sh with the name <prefix>.<host>.<n>, single use), the launcher and status units, and the
#     snd-aloop / v4l2loopback configuration (one device of each per gateway);
#   - the role's default gateway prefix equals the kamailio role's (the registrar accepts only that prefix);
#   - the status adapter against the launcher answers in deploy/ci/fixtures/sipmediagw (a stand-in launcher on
#     127.0.66.1 serves them): idle/busy/starting/done/unreachable mapped onto the scaler's contract, the
#     "seen up" memory surviving an adapter restart, 404 for another path, a clear error for a bad config.
# Bounded: a few seconds; every socket on 127.0.66.1.
#
#   deploy/ci/gateway-host-test.sh
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROLE=$REPO/deploy/ansible/roles/gateway_host
FIXTURES=$REPO/deploy/ci/fixtures/sipmediagw
ADAPTER=$ROLE/files/gateway-status.py
IP=127.0.66.1
WORK=$(mktemp -d /tmp/smd-gwhost.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL  $*" >&2; exit 1; }
ok() { echo "ok  $*"; }

# --- rendering ---------------------------------------------------------------
# a test inventory's values (a later vars file wins over the role's defaults)
cat > "$WORK/inventory-vars.yml" <<EOF
---
ansible_hostname: gwhost-7
gateway_host_gateways: 2
gateway_host_kamailio_address: 10.0.0.250
gateway_host_turn_address: 10.0.0.251
gateway_host_sip_password: sip-secret-for-test
gateway_host_turn_password: turn-secret-for-test
gateway_host_public_address: 10.0.0.17
EOF
cat > "$WORK/render.yml" <<EOF
---
- name: Render the gateway_host role's files
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files:
    - $ROLE/defaults/main.yml
    - $WORK/inventory-vars.yml
  tasks:
    - name: Render
      ansible.builtin.template:
        src: "$ROLE/templates/{{ item }}.j2"
        dest: "$WORK/out/{{ item }}"
        mode: "0600"
      loop: [gateway.env, sipmediagw@.service, sipmediagw-launcher.service, sipmediagw-status.service,
             status.json, modules-load.conf, modprobe.conf]
EOF
mkdir -p "$WORK/out"
ANSIBLE_CONFIG=$REPO/deploy/ansible/ansible.cfg ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_LOCALHOST_WARNING=0 \
  ansible-playbook -i localhost, "$WORK/render.yml" > "$WORK/render.log" 2>&1 \
  || { tail -20 "$WORK/render.log"; fail "rendering the role's templates"; }
OUT=$WORK/out

has() { # has FILE LINE : FILE holds LINE exactly
  grep -qxF -- "$2" "$OUT/$1" || { sed 's/^/    | /' "$OUT/$1"; fail "$1 lacks the line: $2"; }
}
has gateway.env "DOCKER_IMAGE=renater/sipmediagw:1.8.5"
has gateway.env "MAIN_APP=baresip"
has gateway.env "SIP_NAME_PREFIX=gw"
has gateway.env "SIP_PROXY=10.0.0.250:5060"
has gateway.env "TURN_SRV=10.0.0.251:3478"
has gateway.env "WITH_ALSA=\"true\""
domains=$(sed -n "s/^WEBRTC_DOMAINS='\(.*\)'$/\1/p" "$OUT/gateway.env")
[[ $(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["jitsi"]["domain"])' "$domains") == meet.jit.si ]] \
  || fail "WEBRTC_DOMAINS is not a JSON map with the Jitsi domain: '$domains'"
ok "upstream .env: image renater/sipmediagw:1.8.5, prefix gw, Kamailio/Coturn addresses, WEBRTC_DOMAINS $domains"

has sipmediagw@.service "ExecStart=/opt/SIPMediaGW/SIPMediaGW.sh -g gw.gwhost-7.%i -p gw"
has sipmediagw@.service "Type=oneshot"
has sipmediagw@.service "WorkingDirectory=/opt/SIPMediaGW"
grep -qE '^Restart=' "$OUT/sipmediagw@.service" && fail "a single-use gateway unit must not restart its gateway"
# the name a gateway registers under must pass the registrar's check (the kamailio role's pattern)
name=$(sed -n 's/.* -g \([^ ]*\) .*/\1/p' "$OUT/sipmediagw@.service" | sed 's/%i/1/')
[[ $name =~ ^gw[.][A-Za-z0-9_-]+[.][0-9]+$ ]] || fail "gateway name '$name' does not match <prefix>.<host>.<n>"
ok "gateway unit: upstream's SIPMediaGW.sh as $name (instance 1), oneshot, no restart (single use)"
has sipmediagw-launcher.service \
  "ExecStart=/usr/bin/python3 -m uvicorn HTTPLauncher:app --host 127.0.0.1 --port 8000"
has sipmediagw-status.service "ExecStart=/usr/bin/python3 /usr/local/lib/sipmediadeploy/gateway-status /etc/sipmediagw/status.json"
ok "launcher on loopback, status adapter reading /etc/sipmediagw/status.json"
for unit in sipmediagw@.service sipmediagw-launcher.service sipmediagw-status.service; do
  # log_shipper forwards the tags that start with sipmediagw- (its log_shipper_tag_prefixes)
  grep -qE '^SyslogIdentifier=sipmediagw-[a-z]+$' "$OUT/$unit" || fail "$unit logs under no sipmediagw-* name: not shipped"
done
grep -qE '^ +- sipmediagw-$' "$REPO/deploy/ansible/roles/log_shipper/defaults/main.yml" \
  || fail "log_shipper does not forward the sipmediagw- tags by default"
ok "units log as sipmediagw-*, a prefix log_shipper forwards"

has modules-load.conf "snd-aloop"
has modules-load.conf "v4l2loopback"
has modprobe.conf "options snd-aloop enable=1,1 index=0,1"
has modprobe.conf "options v4l2loopback devices=2 video_nr=0,1 exclusive_caps=1 card_label=SIPMediaGW,SIPMediaGW"
ok "modules: snd-aloop and v4l2loopback loaded at boot, one device of each per gateway"

kam_prefix=$(/usr/bin/python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["kamailio_gateway_prefix"])' \
  "$REPO/deploy/ansible/roles/kamailio/defaults/main.yml")
[[ $kam_prefix == gw ]] || fail "kamailio_gateway_prefix default is '$kam_prefix', the gateway_host default is 'gw'"
ok "default prefix agrees with kamailio_gateway_prefix ($kam_prefix)"

# --- status adapter against the recorded launcher answers ---------------------
mkdir -p "$WORK/scene" "$WORK/state"
cat > "$WORK/fake-launcher.py" <<'EOF'
"""Stand-in for upstream's HTTP launcher: GET /gateway/status?gw_id=N serves SCENE/gwN.json."""
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SCENE = sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        gw_id = parse_qs(url.query).get("gw_id", [""])[0]
        path = os.path.join(SCENE, "gw%s.json" % gw_id)
        if url.path != "/gateway/status" or not os.path.exists(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer((sys.argv[1], 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
/usr/bin/python3 "$WORK/fake-launcher.py" "$IP" "$WORK/scene" > "$WORK/launcher.port" 2> "$WORK/launcher.log" &
PIDS+=($!)
for _ in $(seq 1 50); do [[ -s $WORK/launcher.port ]] && break; sleep 0.1; done
LPORT=$(cat "$WORK/launcher.port")
[[ -n $LPORT ]] || fail "the stand-in launcher did not start: $(cat "$WORK/launcher.log")"

# the adapter's config as the role renders it, pointed at the stand-in launcher and scratch state
/usr/bin/python3 - "$OUT/status.json" "$WORK/status.json" "http://$IP:$LPORT" "$WORK/state" "$IP" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config.update(launcher=sys.argv[3], state_dir=sys.argv[4], bind=sys.argv[5], port=0)
json.dump(config, open(sys.argv[2], "w"))
EOF

scene() { # scene FIXTURE0 FIXTURE1 : what the launcher answers for gw_id 0 and 1 (- = no answer)
  rm -f "$WORK/scene"/*.json
  [[ $1 == - ]] || cp "$FIXTURES/gateway-status-$1.json" "$WORK/scene/gw0.json"
  [[ $2 == - ]] || cp "$FIXTURES/gateway-status-$2.json" "$WORK/scene/gw1.json"
}
expect() { # expect JSON DESCRIPTION
  local got
  got=$(/usr/bin/python3 "$ADAPTER" "$WORK/status.json" --once)
  [[ $got == "$1" ]] || fail "$2: adapter answered '$got', want '$1'"
  ok "$2 -> $got"
}
scene down down
expect '{"idle": 0, "can_be_terminated": false, "gateways": 2}' "both gateways still starting (down, never up)"
scene up-waiting down
expect '{"idle": 1, "can_be_terminated": false, "gateways": 2}' "gateway 0 registered and waiting, 1 starting"
scene up-waiting up-in-call
expect '{"idle": 1, "can_be_terminated": false, "gateways": 2}' "gateway 0 waiting, 1 in a call"
scene down up-in-call
expect '{"idle": 0, "can_be_terminated": false, "gateways": 2}' "gateway 0 served its call (done), 1 in a call"
scene down error
expect '{"idle": 0, "can_be_terminated": false, "gateways": 2}' "gateway 1 unknown to the launcher"
scene down -
expect '{"idle": 0, "can_be_terminated": false, "gateways": 2}' "launcher gives no answer for gateway 1"
scene down down
expect '{"idle": 0, "can_be_terminated": true, "gateways": 2}' "both served their single call (down after up)"
[[ -e $WORK/state/gw0.seen-up && -e $WORK/state/gw1.seen-up ]] || fail "the adapter keeps no 'seen up' markers"

# served over HTTP, as the scaler polls it; a new process (restart) remembers what it saw
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.66.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 - "$WORK/status.json" "$port" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config["port"] = int(sys.argv[2])
json.dump(config, open(sys.argv[1], "w"))
EOF
/usr/bin/python3 "$ADAPTER" "$WORK/status.json" > "$WORK/adapter.log" 2>&1 &
PIDS+=($!)
body=""
for _ in $(seq 1 50); do body=$(curl -s --max-time 2 "http://$IP:$port/status") && break; sleep 0.1; done
[[ $body == '{"idle": 0, "can_be_terminated": true, "gateways": 2}' ]] \
  || { cat "$WORK/adapter.log"; fail "GET /status after a restart answered '$body'"; }
ok "GET /status from a restarted adapter still knows both gateways are done -> $body"
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$IP:$port/other") == 404 ]] || fail "GET /other is not 404"
ok "GET /other -> 404"

echo '{"bind": "127.0.66.1"}' > "$WORK/bad.json"
if /usr/bin/python3 "$ADAPTER" "$WORK/bad.json" --once > "$WORK/bad.out" 2>&1; then fail "a bad config was accepted"; fi
grep -q "missing keys port, path" "$WORK/bad.out" || fail "bad config error does not name the missing keys: $(cat "$WORK/bad.out")"
ok "a config without its keys -> exit 2, $(cat "$WORK/bad.out")"
echo "PASS  gateway-host-test"
