#!/usr/bin/env bash
# Applies the kamailio, coturn and log_shipper roles (and scaler, given a .deb)
# for real to a Debian bookworm chroot, then checks what they produced:
#   - kamailio.cfg passes `kamailio -c`; Kamailio started inside the chroot on
#     127.0.61.1 answers OPTIONS with 200 and accepts a REGISTER only with the
#     gateways' shared secret;
#   - Coturn started inside the chroot on 127.0.62.1 completes a TURN allocation
#     and relays with the configured long-term credentials, refuses a wrong one;
#   - the Gateway Host: upstream's checkout (a local stand-in) with the rendered .env, snd-aloop and
#     v4l2loopback configured, the status adapter started inside the chroot on 127.0.65.1 answering the
#     scaler's contract (no Docker engine here: no gateway runs);
#   - TLS with certificates from deploy/tls/make-certs.sh: an OPTIONS over TLS to 5061 answers 200 with the
#     server certificate checked against the deployment's CA, and the handshake fails against another CA; a
#     TURNS allocation on 5349 (deploy/ci/turns-client.py) relays to the peer with the certificate checked
#     against the CA, is refused against another CA and with a wrong password; the keys are 0600;
#   - Kamailio's /metrics (xhttp_prom) answers the Prometheus source and refuses another;
#   - log shipping: rsyslog with the log_shipper role's configuration sends a gateway container's line (Docker's
#     syslog driver format), a gateway host unit's, Kamailio's, Coturn's and the scaler's JSON to a TLS
#     json_lines stand-in for Logstash (deploy/ci/logstash-stand-in.py), each as a JSON event;
#   - secrets files have their modes; a second run reports changed=0.
# A chroot shares the host network namespace: every packet stays on 127.0.0.0/8.
#
# Usage (as root, from anywhere):
#   deploy/ci/chroot-test.sh                      # kamailio, coturn, gateway_host, log_shipper
#   deploy/ci/chroot-test.sh PATH/sipmediadeploy-scaler_VERSION_all.deb   # + scaler, real .deb
#   deploy/ci/chroot-test.sh --stub-scaler        # + scaler with a stub .deb built here
# The stub .deb (no JRE, a shell `scalerctl` that only checks the top-level keys)
# exercises the role's mechanics: .deb install, files, modes, owner, idempotence.
# Env: SMD_CHROOT_CACHE (default /var/cache/sipmediadeploy) keeps the debootstrap
#      tarball and apt's downloaded packages between runs; KEEP_CHROOT=1 keeps the tree.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ANSIBLE_DIR=$REPO/deploy/ansible
CACHE=${SMD_CHROOT_CACHE:-/var/cache/sipmediadeploy}
TARBALL=$CACHE/bookworm-minbase-python3.tar.gz
APT_ARCHIVES=$CACHE/apt-archives
APT_LISTS=$CACHE/apt-lists
MIRROR=${SMD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEB=${1:-}

KAM_IP=127.0.61.1
KAM_FIP=127.0.61.9
TURN_IP=127.0.62.1
TURN_FIP=127.0.62.9
PEER_IP=127.0.62.2
ELK_IP=127.0.63.1
GW_STATUS_IP=127.0.65.1
GW_STATUS_PORT=18080
PROM_IP=127.0.61.7   # the Prometheus host allowed to scrape Kamailio's /metrics

START=$(date +%s)
step() { printf '\n== [%4ss] %s\n' "$(($(date +%s) - START))" "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap, chroot, mount)"
STUB=0
[[ $DEB == --stub-scaler ]] && STUB=1
[[ $STUB == 1 || -z $DEB || -f $DEB ]] || fail "no such .deb: $DEB"
[[ $STUB == 1 || -z $DEB ]] || DEB=$(readlink -f "$DEB")
for tool in debootstrap dpkg-deb chroot ss curl openssl ansible-playbook sipsak turnutils_uclient turnutils_peer setsid timeout; do
  command -v "$tool" >/dev/null || fail "missing tool: $tool"
done

WORK=$(mktemp -d /tmp/smd-chroot.XXXXXX)
ROOT=$WORK/root
MOUNTS=()
PGIDS=()

# shellcheck source=deploy/ci/teardown.sh
source "$(dirname "${BASH_SOURCE[0]}")/teardown.sh"
cleanup() {
  local rc=$?
  set +e
  GROUPS_TO_STOP=("${PGIDS[@]}")
  teardown_work "${KEEP_CHROOT:-0}"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bind() { # bind SRC DEST
  mkdir -p "$2"
  mount --bind "$1" "$2"
  MOUNTS+=("$2")
}

step "chroot from $TARBALL"
mkdir -p "$CACHE" "$APT_ARCHIVES/partial" "$APT_LISTS/partial"
if [[ ! -s $TARBALL ]]; then
  step "no cached tarball: debootstrap bookworm (reaches $MIRROR)"
  debootstrap --variant=minbase --include=python3 bookworm "$WORK/build" "$MIRROR"
  tar -C "$WORK/build" -czf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
  rm -rf "$WORK/build"
fi
mkdir -p "$ROOT"
tar -C "$ROOT" -xzf "$TARBALL"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Daemons must not start from package scripts inside the chroot.
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"
MOUNTS+=("$ROOT/proc")
bind /dev "$ROOT/dev"
# apt's downloads and indexes survive between runs (cache_valid_time of the roles).
bind "$APT_ARCHIVES" "$ROOT/var/cache/apt/archives"
bind "$APT_LISTS" "$ROOT/var/lib/apt/lists"

build_stub_deb() { # build_stub_deb DIR -> prints the .deb path
  local pkg=$1/stub
  mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/etc/sipmediadeploy"
  cat > "$pkg/DEBIAN/control" <<'CTL'
Package: sipmediadeploy-scaler
Version: 0.0.0~stub1
Architecture: all
Maintainer: SIPMediaDeploy CI <ci@invalid>
Description: stub of the scaler package for deploy/ci/chroot-test.sh
 Provides the user, the unit and a scalerctl that checks only the top-level keys.
CTL
  cat > "$pkg/DEBIAN/postinst" <<'POST'
#!/bin/sh
set -e
getent passwd scaler >/dev/null || useradd --system --user-group --home-dir /var/lib/sipmediadeploy-scaler --shell /usr/sbin/nologin scaler
POST
  cat > "$pkg/usr/bin/scalerctl" <<'CTL'
#!/bin/sh
# STUB scalerctl: `config check FILE` checks the file is readable and has the top-level sections.
[ "$1 $2" = "config check" ] && [ -r "$3" ] || { echo "usage: scalerctl config check FILE" >&2; exit 64; }
for key in 'scaler {' 'node {' 'cluster {' 'admin {' 'openstack {' 'pairs {' 'pools {'; do
  grep -qF "$key" "$3" || { echo "$3: missing $key" >&2; exit 78; }
done
echo "$3: ok (stub check)"
CTL
  cat > "$pkg/lib/systemd/system/sipmediadeploy-scaler.service" <<'UNIT'
[Unit]
Description=SIPMediaDeploy scaler (stub)
[Service]
User=scaler
ExecStart=/usr/bin/scaler run --config /etc/sipmediadeploy/scaler.conf
[Install]
WantedBy=multi-user.target
UNIT
  chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/usr/bin/scalerctl"
  dpkg-deb --root-owner-group --build "$pkg" "$1/sipmediadeploy-scaler_0.0.0~stub1_all.deb" > /dev/null
  echo "$1/sipmediadeploy-scaler_0.0.0~stub1_all.deb"
}
if [[ $STUB == 1 ]]; then
  DEB=$(build_stub_deb "$WORK")
  step "stub scaler .deb: $DEB"
fi

step "certificates: deploy/tls/make-certs.sh (a CA, Kamailio, Coturn, scaler-1), and another CA for the wrong-CA checks"
"$REPO/deploy/tls/make-certs.sh" "$WORK/pki" --sip "sip.test.invalid,$KAM_IP" --turn "turn.test.invalid,$TURN_IP" \
  --scaler "scaler-1=127.0.64.1" --logstash "$ELK_IP"
"$REPO/deploy/tls/make-certs.sh" "$WORK/pki-other" --sip "sip.test.invalid,$KAM_IP" > /dev/null

step "stand-in for upstream SIPMediaGW's checkout inside the chroot (no GitHub from here)"
"$REPO/deploy/ci/make-upstream-stub.sh" "$ROOT/srv/sipmediagw-upstream"

step "inventory and variables"
secret() { head -c 18 /dev/urandom | base64 | tr -d '+/=' ; }
GW_PASS=$(secret)
PROBE_PASS=$(secret)
cat > "$WORK/inventory.yml" <<EOF
all:
  hosts:
    smd-chroot:
      ansible_connection: community.general.chroot
      ansible_host: $ROOT
      ansible_python_interpreter: /usr/bin/python3
      ansible_become: false
  children:
    kamailio: {hosts: {smd-chroot: {}}}
    coturn: {hosts: {smd-chroot: {}}}
    log_shipper: {hosts: {smd-chroot: {}}}
    gateway_host: {hosts: {smd-chroot: {}}}
$( [[ -n $DEB ]] && echo "    scaler: {hosts: {smd-chroot: {}}}" )
EOF
umask 077
cat > "$WORK/vars.yml" <<EOF
kamailio_listen_address: $KAM_IP
kamailio_advertise_address: $KAM_FIP
kamailio_domain: sip.test.invalid
kamailio_gateway_password: "$GW_PASS"
kamailio_gateway_networks: [10.0.0.0/24]
kamailio_prometheus_allowed_sources: [$PROM_IP/32]
coturn_listen_address: $TURN_IP
coturn_external_address: $TURN_FIP
coturn_realm: turn.test.invalid
coturn_min_port: 50000
coturn_max_port: 50100
coturn_allow_loopback_peers: true
coturn_users:
  - {name: gateway, password: "$GW_PASS"}
  - {name: probe, password: "$PROBE_PASS"}
log_shipper_elk_host: $ELK_IP
gateway_host_kamailio_address: $KAM_FIP
gateway_host_turn_address: $TURN_FIP
gateway_host_sip_password: "$GW_PASS"
gateway_host_turn_password: "$GW_PASS"
gateway_host_gateways: 2
gateway_host_launcher_repo: /srv/sipmediagw-upstream
# Explicit: minbase has no iproute2 until docker.io pulls it in, so the facts of
# the first run have no default address and the default would change between runs.
gateway_host_public_address: $GW_STATUS_IP
gateway_host_status_bind: $GW_STATUS_IP
gateway_host_status_port: $GW_STATUS_PORT
log_shipper_elk_port: 5044
scaler_package_source: deb
scaler_deb_path: "$DEB"
scaler_node_id: scaler-1
scaler_peers:
  - {id: scaler-1, address: "127.0.64.1:9870"}
  - {id: scaler-2, address: "127.0.64.2:9870"}
  - {id: scaler-3, address: "127.0.64.3:9870"}
scaler_admin_token: "$(secret)$(secret)"
scaler_openstack_auth_url: http://127.0.0.1:5000/v3
scaler_openstack_auth_type: password
scaler_openstack_username: admin
scaler_openstack_project: admin
scaler_openstack_secret: "$(secret)"
scaler_turn_probe_password: "$PROBE_PASS"
# TLS: SIP over TLS, TURNS, Raft mTLS and the log shipper's CA, from the files make-certs.sh wrote.
kamailio_tls_enabled: true
kamailio_tls_certificate_pem: "{{ lookup('file', '$WORK/pki/kamailio.crt') }}"
kamailio_tls_private_key_pem: "{{ lookup('file', '$WORK/pki/kamailio.key') }}"
kamailio_tls_ca_pem: "{{ lookup('file', '$WORK/pki/ca.crt') }}"
coturn_tls_enabled: true
coturn_tls_certificate_pem: "{{ lookup('file', '$WORK/pki/coturn.crt') }}"
coturn_tls_private_key_pem: "{{ lookup('file', '$WORK/pki/coturn.key') }}"
log_shipper_tls_enabled: true
log_shipper_tls_ca_pem: "{{ lookup('file', '$WORK/pki/ca.crt') }}"
scaler_tls_enabled: true
scaler_tls_cert_pem: "{{ lookup('file', '$WORK/pki/scaler-scaler-1.crt') }}"
scaler_tls_key_pem: "{{ lookup('file', '$WORK/pki/scaler-scaler-1.key') }}"
scaler_tls_trust_pem: "{{ lookup('file', '$WORK/pki/ca.crt') }}"
# The chroot has no systemd of its own, whatever the host's PID 1 is.
ansible_service_mgr: none
EOF
umask 022

PLAYBOOKS=("$ANSIBLE_DIR/kamailio.yml" "$ANSIBLE_DIR/coturn.yml" "$ANSIBLE_DIR/log_shipper.yml" "$ANSIBLE_DIR/gateway_host.yml")
[[ -z $DEB ]] || PLAYBOOKS+=("$ANSIBLE_DIR/scaler.yml")

# ansible-playbook runs the playbooks one after the other and prints one recap per
# playbook: every recap line must say failed=0 (and, on the second run, changed=0).
converge() { # converge LOGFILE
  # smart gathering + memory cache: facts are gathered once per run, not once per playbook.
  ANSIBLE_CONFIG=$ANSIBLE_DIR/ansible.cfg ANSIBLE_FORCE_COLOR=0 \
    ANSIBLE_GATHERING=smart ANSIBLE_CACHE_PLUGIN=memory \
    ansible-playbook -i "$WORK/inventory.yml" -e "@$WORK/vars.yml" "${PLAYBOOKS[@]}" 2>&1 | tee "$1" \
    | grep -E '^(PLAY|TASK|changed|fatal|failed|ok: \[.*\] =>|smd-chroot +:)' || true
  [[ $(grep -cE 'smd-chroot +: .*failed=0 ' "$1") == "${#PLAYBOOKS[@]}" ]] || fail "ansible run failed (see above)"
}

step "first converge: ${PLAYBOOKS[*]##*/}"
converge "$WORK/converge1.log"

step "second converge: must report changed=0"
converge "$WORK/converge2.log"
grep -E 'smd-chroot +:' "$WORK/converge2.log"
[[ $(grep -cE 'smd-chroot +: ok=[0-9]+ +changed=0 ' "$WORK/converge2.log") == "${#PLAYBOOKS[@]}" ]] || {
  grep -B3 -E '^changed:' "$WORK/converge2.log" || true
  fail "second run changed something: roles are not idempotent"
}

step "verify.yml (each role's read-only checks)"
ANSIBLE_CONFIG=$ANSIBLE_DIR/ansible.cfg ANSIBLE_FORCE_COLOR=0 \
  ansible-playbook -i "$WORK/inventory.yml" -e "@$WORK/vars.yml" "$ANSIBLE_DIR/verify.yml" > "$WORK/verify.log" 2>&1 \
  || { grep -E 'fatal|FAILED|ERROR' "$WORK/verify.log" | head -20; fail "verify.yml failed"; }
grep -E 'smd-chroot +:' "$WORK/verify.log" | tail -1

step "files and modes"
check_mode() { # check_mode PATH MODE OWNER
  local got
  got=$(chroot "$ROOT" stat -c '%a %U' "$1")   # names as the chroot knows them
  [[ $got == "$2 $3" ]] || fail "$1 is '$got', want '$2 $3'"
  echo "ok  $1 $got"
}
check_mode /etc/kamailio/kamailio.cfg 640 root
check_mode /etc/kamailio/kamailio-secrets.cfg 640 root
check_mode /etc/turnserver.conf 600 turnserver
check_mode /etc/sipmediagw/gateway.env 600 root
check_mode /etc/kamailio/tls/server.key 600 kamailio
check_mode /etc/coturn/tls/turn.key 600 turnserver
[[ $(chroot "$ROOT" stat -c %G /etc/kamailio/kamailio-secrets.cfg) == kamailio ]] || fail "secrets group is not kamailio"
if [[ -n $DEB ]]; then
  check_mode /etc/sipmediadeploy/scaler.conf 600 scaler
  check_mode /etc/sipmediadeploy/admin.token 600 scaler
  check_mode /etc/sipmediadeploy/os-secret 600 scaler
  check_mode /etc/sipmediadeploy/turn-probe-secret 600 scaler
  check_mode /etc/sipmediadeploy/tls/node.key 600 scaler
  check_mode /etc/sipmediadeploy/tls/node.crt 600 scaler
  chroot "$ROOT" /usr/bin/scalerctl config check /etc/sipmediadeploy/scaler.conf \
    || fail "scalerctl config check refused the rendered scaler.conf"
  echo "ok  scalerctl config check /etc/sipmediadeploy/scaler.conf"
fi

step "kamailio -c on the rendered config"
chroot "$ROOT" kamailio -c -f /etc/kamailio/kamailio.cfg > "$WORK/kamailio-check.log" 2>&1 \
  || { cat "$WORK/kamailio-check.log"; fail "kamailio -c refused the rendered config"; }
echo "ok  kamailio -c"

start_in_chroot() { # start_in_chroot LOG CMD... ; sets LAST_PID (= its process group)
  local log=$1
  shift
  setsid chroot "$ROOT" "$@" > "$log" 2>&1 &
  LAST_PID=$!
  PGIDS+=("$LAST_PID")
}

step "start Kamailio inside the chroot on $KAM_IP"
mkdir -p "$ROOT/run/kamailio"
start_in_chroot "$WORK/kamailio.log" /usr/sbin/kamailio -DD -E -f /etc/kamailio/kamailio.cfg -m 32 -M 4 -Y /run/kamailio
echo "kamailio pid $LAST_PID"
answered=0
for _ in $(seq 1 50); do
  if timeout 3 sipsak -s "sip:probe@$KAM_IP:5060" > /dev/null 2>&1; then answered=1; break; fi
  kill -0 "$LAST_PID" 2>/dev/null || { tail -20 "$WORK/kamailio.log"; fail "kamailio exited"; }
  sleep 0.2
done
[[ $answered == 1 ]] || { tail -20 "$WORK/kamailio.log"; fail "no 200 to OPTIONS from $KAM_IP:5060"; }
echo "ok  OPTIONS sip:probe@$KAM_IP:5060 (UDP) -> 200"
timeout 5 sipsak -E tcp -s "sip:probe@$KAM_IP:5060" > /dev/null 2>&1 \
  || fail "no 200 to OPTIONS over TCP"
echo "ok  OPTIONS over TCP -> 200"
timeout 5 sipsak -U -C "sip:gw.chroot.0@$KAM_IP:5070" -s "sip:gw.chroot.0@$KAM_IP:5060" -u gw.chroot.0 -a "$GW_PASS" > /dev/null 2>&1 \
  || fail "REGISTER with the shared secret was refused"
echo "ok  REGISTER with the gateways' shared secret -> 200"
if timeout 5 sipsak -U -C "sip:gw.chroot.0@$KAM_IP:5070" -s "sip:gw.chroot.0@$KAM_IP:5060" -u gw.chroot.0 -a wrong-secret-123 > /dev/null 2>&1; then
  fail "REGISTER with a wrong secret was accepted"
fi
echo "ok  REGISTER with a wrong secret -> refused"
# A gateway on the private network registers through the floating IP (hairpin NAT: it looks NATed) and must be
# routed to its own Contact; one elsewhere behind NAT keeps the NAT fix (its source address is stored).
for reg in gw.chroot.1=10.0.0.101 gw.chroot.2=172.16.0.5; do
  timeout 5 sipsak -U -C "sip:${reg%=*}@${reg#*=}:5070" -s "sip:${reg%=*}@$KAM_IP:5060" -u "${reg%=*}" -a "$GW_PASS" \
    > /dev/null 2>&1 || fail "REGISTER of ${reg%=*} (Contact ${reg#*=}) was refused"
done
curl -s --max-time 5 -d '{"jsonrpc": "2.0", "method": "ul.dump", "id": 1}' "http://$KAM_IP:5071/RPC" > "$WORK/ul.json" \
  || fail "ul.dump over JSON-RPC failed"
/usr/bin/python3 - "$WORK/ul.json" <<'EOF' || { head -c 2000 "$WORK/ul.json"; fail "gateway contacts stored wrongly"; }
import json, sys
received = {}
def walk(node, aor=None):
    if isinstance(node, dict):
        aor = node.get("AoR", aor)
        if "Address" in node and "Received" in node:   # one contact of the AoR above
            received[aor.split("@")[0].removeprefix("sip:")] = node["Received"]
        for value in node.values():
            walk(value, aor)
    elif isinstance(node, list):
        for value in node:
            walk(value, aor)
walk(json.load(open(sys.argv[1])))
unset = ("", "[not set]", None)
assert received.get("gw.chroot.1", "missing") in unset, "gw.chroot.1 (private network) has a NAT source: %r" % received
assert received.get("gw.chroot.2") not in unset, "gw.chroot.2 (outside the gateway networks) lost its NAT fix: %r" % received
print("ok  Contact kept for a gateway in kamailio_gateway_networks (%s), NAT source stored for one outside (%s)"
      % (received["gw.chroot.1"], received["gw.chroot.2"]))
EOF

# Kamailio's metrics (xhttp_prom, in Debian's kamailio package) on the private RPC port, for the Prometheus
# sources only: the three registrations above show in the usrloc series.
metrics_url="http://$KAM_IP:5071/metrics"
curl -s --max-time 5 --interface "$PROM_IP" "$metrics_url" > "$WORK/kamailio-metrics.txt" || fail "GET $metrics_url failed"
grep -qE '^kamailio_core_rcv_requests [0-9]+' "$WORK/kamailio-metrics.txt" \
  || { head -20 "$WORK/kamailio-metrics.txt"; fail "no kamailio_core_rcv_requests in $metrics_url"; }
registered=$(awk '$1 == "kamailio_usrloc_registered_users" {print $2}' "$WORK/kamailio-metrics.txt")
[[ ${registered:-0} -ge 3 ]] || fail "kamailio_usrloc_registered_users is '${registered:-missing}', want >= 3"
echo "ok  GET $metrics_url from $PROM_IP -> $(grep -c '^kamailio_' "$WORK/kamailio-metrics.txt") kamailio_* series, registered_users $registered"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --interface 127.0.0.1 "$metrics_url")
[[ $code == 403 ]] || fail "GET $metrics_url from a source outside kamailio_prometheus_allowed_sources answered $code, want 403"
echo "ok  the same from 127.0.0.1 (not a Prometheus source) -> 403"

# tls_options CAFILE : an OPTIONS over TLS to $KAM_IP:5061, the server certificate checked against CAFILE; prints
# what came back. Kamailio keeps the connection open, so the exchange ends by the timeout.
tls_options() {
  printf 'OPTIONS sip:probe@%s:5061;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5091;branch=z9hG4bK-smd-%s\r\nMax-Forwards: 70\r\nFrom: <sip:ci@test.invalid>;tag=smd1\r\nTo: <sip:probe@%s>\r\nCall-ID: smd-tls-%s@ci\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
    "$KAM_IP" "$RANDOM" "$KAM_IP" "$RANDOM" \
    | timeout 5 openssl s_client -connect "$KAM_IP:5061" -CAfile "$1" -verify_return_error -verify_ip "$KAM_IP" -quiet 2>&1 || true
}
tls_options "$WORK/pki/ca.crt" > "$WORK/tls-options.log"
grep -q '^SIP/2.0 200' "$WORK/tls-options.log" || { cat "$WORK/tls-options.log"; fail "no 200 to OPTIONS over TLS on $KAM_IP:5061"; }
echo "ok  OPTIONS over TLS to $KAM_IP:5061, certificate checked against the deployment's CA -> 200"
tls_options "$WORK/pki-other/ca.crt" > "$WORK/tls-options-wrong.log"
if grep -q '^SIP/2.0' "$WORK/tls-options-wrong.log"; then fail "OPTIONS over TLS succeeded with a wrong CA"; fi
grep -qi 'verify' "$WORK/tls-options-wrong.log" || { cat "$WORK/tls-options-wrong.log"; fail "the wrong-CA handshake did not fail on verification"; }
echo "ok  the same against another CA -> handshake refused ($(grep -oi 'verify error:[^)]*' "$WORK/tls-options-wrong.log" | head -1))"

step "start Coturn inside the chroot on $TURN_IP"
start_in_chroot "$WORK/turnserver.log" /usr/bin/turnserver -c /etc/turnserver.conf --log-file=stdout
TURN_PID=$LAST_PID
echo "turnserver pid $TURN_PID"
start_in_chroot "$WORK/turn-peer.log" /usr/bin/turnutils_peer -L "$PEER_IP" -p 3480
echo "turnutils_peer pid $LAST_PID"
ready=0
for _ in $(seq 1 50); do
  # turnserver logs to the file of its config (log-file=), so wait for its socket.
  [[ -n $(ss -Hlnu "src $TURN_IP:3478") && -n $(ss -Hlnt "src $TURN_IP:3478") ]] && { ready=1; break; }
  kill -0 "$TURN_PID" 2>/dev/null || break
  sleep 0.1
done
[[ $ready == 1 ]] || { tail -20 "$WORK/turnserver.log" "$ROOT"/var/log/coturn/*; fail "turnserver did not start"; }
timeout 20 turnutils_uclient -u probe -w "$PROBE_PASS" -n 1 -m 1 -e "$PEER_IP" -r 3480 "$TURN_IP" > "$WORK/uclient.log" 2>&1 \
  || { tail -20 "$WORK/uclient.log"; fail "TURN allocate/relay with the probe credentials failed"; }
grep -q 'Total lost packets 0 ' "$WORK/uclient.log" || { tail -5 "$WORK/uclient.log"; fail "relay lost packets"; }
echo "ok  TURN allocate + relay as 'probe' via $TURN_IP:3478"
if timeout 10 turnutils_uclient -u probe -w wrong-secret-123 -n 1 -m 1 -e "$PEER_IP" -r 3480 "$TURN_IP" > /dev/null 2>&1; then
  fail "TURN allocate with a wrong password succeeded"
fi
echo "ok  TURN allocate with a wrong password -> refused"
ready=0
for _ in $(seq 1 50); do [[ -n $(ss -Hlnt "src $TURN_IP:5349") ]] && { ready=1; break; }; sleep 0.1; done
[[ $ready == 1 ]] || fail "turnserver does not listen for TURNS on $TURN_IP:5349"
# TURNS: an allocation over TLS on 5349, the certificate checked against the deployment's CA (chain and IP SAN),
# relayed to the peer with nothing lost; the handshake is refused against another CA and a wrong password gets 401.
# deploy/ci/turns-client.py, not turnutils_uclient: uclient picks a random TLS version per connection and Coturn
# (no-tlsv1, no-tlsv1_1) never answers a TLS 1.0/1.1 ClientHello, so uclient hangs on some of its connections.
turns() { # turns CAFILE PASSWORD LOG
  TURN_PASSWORD=$2 timeout 60 /usr/bin/python3 "$REPO/deploy/ci/turns-client.py" "$TURN_IP" 5349 "$1" probe "$PEER_IP" 3480 5 > "$3" 2>&1
}
turns "$WORK/pki/ca.crt" "$PROBE_PASS" "$WORK/turns.log" \
  || { cat "$WORK/turns.log"; fail "TURNS allocate/relay with the probe credentials and the deployment's CA failed"; }
grep -q 'echoed 5, lost 0' "$WORK/turns.log" || { cat "$WORK/turns.log"; fail "TURNS relay lost packets"; }
sed 's/^/    /' "$WORK/turns.log"
echo "ok  TURNS allocate + relay as 'probe' via $TURN_IP:5349, certificate checked against the deployment's CA"
if turns "$WORK/pki-other/ca.crt" "$PROBE_PASS" "$WORK/turns-wrong-ca.log"; then
  fail "TURNS allocation succeeded with another CA"
fi
grep -q 'CERTIFICATE_VERIFY_FAILED' "$WORK/turns-wrong-ca.log" || { cat "$WORK/turns-wrong-ca.log"; fail "the TURNS wrong-CA attempt did not fail on verification"; }
echo "ok  TURNS against another CA -> handshake refused (certificate verify failed)"
if turns "$WORK/pki/ca.crt" wrong-secret-123 "$WORK/turns-wrong-pass.log"; then
  fail "TURNS allocation with a wrong password succeeded"
fi
grep -q 'refused: 401' "$WORK/turns-wrong-pass.log" || { cat "$WORK/turns-wrong-pass.log"; fail "the TURNS wrong-password attempt did not end in 401"; }
echo "ok  TURNS with a wrong password -> 401"

step "Gateway Host: upstream's checkout, its .env, the modules, the status adapter on $GW_STATUS_IP:$GW_STATUS_PORT"
[[ $(readlink "$ROOT/opt/SIPMediaGW/.env") == /etc/sipmediagw/gateway.env ]] || fail "the checkout's .env is not the rendered one"
[[ -x $ROOT/opt/SIPMediaGW/SIPMediaGW.sh ]] || fail "no upstream checkout in /opt/SIPMediaGW"
echo "ok  /opt/SIPMediaGW checked out, .env -> /etc/sipmediagw/gateway.env"
for module in snd-aloop v4l2loopback; do
  grep -qx "$module" "$ROOT/etc/modules-load.d/sipmediagw.conf" || fail "modules-load.d does not load $module"
done
grep -q '^options v4l2loopback devices=2 ' "$ROOT/etc/modprobe.d/sipmediagw.conf" || fail "v4l2loopback is not set to 2 devices"
echo "ok  snd-aloop and v4l2loopback configured for 2 gateways"
# No Docker engine and no launcher here: the adapter must report nothing idle and nothing to terminate (the
# mapping of the launcher's answers is deploy/ci/gateway-host-test.sh's).
start_in_chroot "$WORK/gateway-status.log" /usr/bin/python3 /usr/local/lib/sipmediadeploy/gateway-status /etc/sipmediagw/status.json
echo "gateway-status pid $LAST_PID"
status_url="http://$GW_STATUS_IP:$GW_STATUS_PORT/status"
body=""
for _ in $(seq 1 50); do
  body=$(curl -s --max-time 5 "$status_url") && break
  sleep 0.1
done
[[ $body == '{"idle": 0, "can_be_terminated": false, "gateways": 2}' ]] \
  || { cat "$WORK/gateway-status.log"; fail "status endpoint answered '$body'"; }
echo "ok  GET /status with no launcher answering -> $body"
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$GW_STATUS_IP:$GW_STATUS_PORT/other") == 404 ]] \
  || fail "an unknown path must answer 404"
echo "ok  GET /other -> 404"

step "log shipping: rsyslog with the role's configuration -> a TLS json_lines stand-in for Logstash on $ELK_IP:5044"
# A stand-in for Logstash's input (deploy/ci/logstash-stand-in.py) with the certificate make-certs.sh made for it.
start_on_host() { # like start_in_chroot, on the host
  local log=$1
  shift
  setsid "$@" > "$log" 2>&1 &
  LAST_PID=$!
  PGIDS+=("$LAST_PID")
}
start_on_host "$WORK/logstash.log" /usr/bin/python3 "$REPO/deploy/ci/logstash-stand-in.py" \
  "$ELK_IP" 5044 "$WORK/pki/logstash.crt" "$WORK/pki/logstash.key" "$WORK/events.jsonl"
for _ in $(seq 1 50); do [[ -n $(ss -Hlnt "src $ELK_IP:5044") ]] && break; sleep 0.1; done
[[ -n $(ss -Hlnt "src $ELK_IP:5044") ]] || { cat "$WORK/logstash.log"; fail "the Logstash stand-in did not start"; }
# rsyslogd runs Debian's main file on a real host; here its system socket would be created in the host's /dev
# (bind-mounted), so the test's main file takes the syslog socket elsewhere and includes the role's fragment.
cat > "$ROOT/etc/rsyslog-smd-test.conf" <<'CONF'
global(workDirectory="/var/spool/rsyslog")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="/run/smd-test-syslog.sock")
include(file="/etc/rsyslog.d/60-sipmediadeploy-shipper.conf")
CONF
mkdir -p "$ROOT/var/log/sipmediadeploy-scaler" "$ROOT/var/log/coturn"
chroot "$ROOT" rsyslogd -N1 -f /etc/rsyslog-smd-test.conf > "$WORK/rsyslog-check.log" 2>&1 \
  || { cat "$WORK/rsyslog-check.log"; fail "rsyslogd -N1 refused the shipper configuration"; }
start_in_chroot "$WORK/rsyslog.log" /usr/sbin/rsyslogd -n -f /etc/rsyslog-smd-test.conf -i /run/rsyslogd-smd-test.pid
echo "rsyslogd pid $LAST_PID"
for _ in $(seq 1 50); do [[ -S $ROOT/run/smd-test-syslog.sock ]] && break; sleep 0.1; done
[[ -S $ROOT/run/smd-test-syslog.sock ]] || { cat "$WORK/rsyslog.log"; fail "rsyslogd did not open its socket"; }
# One event of each kind of VM, as each writes it: a gateway container through Docker's syslog driver (upstream's
# compose file: tag IMAGE/NAME; the driver's unix format), a gateway host unit through journald (its
# SyslogIdentifier), Kamailio through syslog, Coturn's log file, the scaler's JSON log file.
/usr/bin/python3 - "$ROOT/run/smd-test-syslog.sock" <<'PY'
import socket, sys, time
stamp = time.strftime("%b %e %H:%M:%S")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(("<14>%s renater/sipmediagw:1.8.5/gw.chroot.0[4242]: smd-marker-gateway baresip registered" % stamp).encode(), sys.argv[1])
s.sendto(("<134>%s kamailio[77]: smd-marker-kamailio REGISTER from gw.chroot.0" % stamp).encode(), sys.argv[1])
s.sendto(("<30>%s sipmediagw-status[99]: smd-marker-gwunit GET /status" % stamp).encode(), sys.argv[1])
PY
echo "1: smd-marker-coturn session 000000000000000001: new" >> "$ROOT/var/log/coturn/turnserver.log"
echo '{"@timestamp":"2026-01-01T00:00:00.000Z","level":"INFO","logger_name":"org.sipmediadeploy","message":"smd-marker-scaler"}' \
  >> "$ROOT/var/log/sipmediadeploy-scaler/scaler.json"
shipped=0
for _ in $(seq 1 150); do
  [[ $(grep -c 'smd-marker-' "$WORK/events.jsonl" 2>/dev/null) -ge 5 ]] && { shipped=1; break; }
  sleep 0.2
done
[[ ! -s $WORK/events.jsonl.bad ]] || { cat "$WORK/events.jsonl.bad"; fail "events that are not JSON objects reached Logstash"; }
[[ $shipped == 1 ]] || { cat "$WORK/events.jsonl" "$WORK/rsyslog.log" "$WORK/logstash.log" 2>/dev/null; fail "not every kind of log reached Logstash"; }
/usr/bin/python3 - "$WORK/events.jsonl" <<'PY' || fail "shipped events lack the fields ELK indexes on"
import json, sys
events = {}
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    for kind in ("gateway", "gwunit", "kamailio", "coturn", "scaler"):
        if "smd-marker-" + kind in event.get("message", ""):
            events[kind] = event
assert events["scaler"]["logger_name"] == "org.sipmediadeploy", "the scaler's JSON must pass unchanged: %r" % events["scaler"]
for kind in ("gateway", "gwunit", "kamailio", "coturn"):
    event = events[kind]
    missing = {"@timestamp", "host", "program", "tag", "severity", "environment", "message"} - event.keys()
    assert not missing, "%s event lacks %s: %r" % (kind, missing, event)
assert events["gateway"]["tag"].startswith("renater/sipmediagw"), events["gateway"]
assert events["kamailio"]["program"] == "kamailio", events["kamailio"]
for kind, event in sorted(events.items()):
    print("ok  %-8s -> Logstash over TLS: %s" % (kind, json.dumps(event)[:150]))
PY

step "PASS (chroot-test, $(($(date +%s) - START)) s)"
