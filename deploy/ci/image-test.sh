#!/usr/bin/env bash
# Runs the scaler's container image the way a runtime would, without one: the
# image tarball's layers are unpacked in order into a fresh rootfs (whiteouts
# honoured, each layer checked against its diff_id), its config is read
# (Entrypoint, Cmd, Env, WorkingDir, User), and the entrypoint is started under
# chroot as the image's user with a real single-node config copied in. Checks:
#   - the daemon serves its admin API on 127.60.0.1: /health/ready without a
#     token, /v1/status with the token (401 without), it leads its one-node Raft
#     group, probes a Kamailio pair (UP) and has created and adopted a Gateway
#     Host (READY) in a sandbox cloud started here (host JVM, 127.60.0.0/16);
#   - it runs the image's JVM as the image's user, writes its Raft log in the
#     image's state directory, and `scalerctl status` from the image answers;
#   - SIGTERM stops it (exit 143 or 0) within 25 s;
#   - deploy/container/Dockerfile's entrypoint, command, user, working
#     directory, ports, volume and environment are the image's (no drift).
# A chroot shares the host network namespace: every packet stays on 127.0.0.0/8.
#
# Usage (as root; after deploy/container/build-image.sh):
#   deploy/ci/image-test.sh [scaler-daemon/target/sipmediadeploy-scaler-VERSION-image.tar]
# Env: KEEP_ROOTFS=1 keeps the unpacked tree and logs.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROOTFS_PY=$REPO/deploy/ci/image-rootfs.py
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$REPO/pom.xml" | head -1)
IMAGE=${1:-$REPO/scaler-daemon/target/sipmediadeploy-scaler-$VERSION-image.tar}
IP=127.60.0.1          # admin API, Raft, probes' source, sandbox API
SANDBOX_BLOCK=60       # sandbox servers on 127.60.10.x / 127.60.11.x, floating IPs on 127.60.20.x
TIMEOUT=120            # seconds for the daemon to be up with the pair probed and a host READY

START=$(date +%s)
step() { printf '\n== [%4ss] %s\n' "$(($(date +%s) - START))" "$*"; }
fail() {
  printf '\nFAIL (image-test): %s\n' "$*" >&2
  if [[ -s ${WORK:-/nonexistent}/daemon.log ]]; then
    echo "--- last lines of the daemon's output ($WORK/daemon.log):" >&2
    tail -25 "$WORK/daemon.log" >&2
  fi
  exit 1
}

[[ $(id -u) -eq 0 ]] || fail "run as root (chroot, mount, file owners)"
[[ -s $IMAGE ]] || fail "no image tarball $IMAGE (build it: deploy/container/build-image.sh)"
for tool in java curl chroot mount umount mknod setsid /usr/bin/python3; do
  command -v "$tool" > /dev/null || fail "missing tool: $tool"
done
# The sandbox is not packaged with the daemon: its class path is the demo module's.
SANDBOX_CP="$REPO/scaler-demo/target/lib/*"
compgen -G "$REPO/scaler-demo/target/lib/scaler-sandbox-*.jar" > /dev/null \
  || fail "no scaler-demo/target/lib/scaler-sandbox-*.jar for the sandbox (mvn -pl scaler-demo -am package)"

WORK=$(mktemp -d /tmp/smd-image-test.XXXXXX)
ROOT=$WORK/root
MOUNTS=()
PIDS=()        # process groups (setsid), stopped at exit

# shellcheck source=deploy/ci/teardown.sh
source "$(dirname "${BASH_SOURCE[0]}")/teardown.sh"
cleanup() {
  local rc=$?
  set +e
  GROUPS_TO_STOP=("${PIDS[@]}")
  teardown_work "${KEEP_ROOTFS:-0}"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "unpacker self-test (whiteouts, opaque directories, paths that try to leave the root)"
/usr/bin/python3 "$ROOTFS_PY" self-test > "$WORK/self-test.log" 2>&1 || { cat "$WORK/self-test.log"; fail "unpacker self-test"; }
echo "ok  $(grep -c '^ok' "$WORK/self-test.log") checks"

step "unpack $IMAGE ($(du -h "$IMAGE" | cut -f1))"
/usr/bin/python3 "$ROOTFS_PY" unpack "$IMAGE" "$ROOT" || fail "could not unpack the image's layers"
IMG_ENTRYPOINT=() IMG_CMD=() IMG_ENV=() IMG_PORTS=() IMG_VOLUMES=() IMG_WORKDIR=/ IMG_USER=0:0
img_config=$(/usr/bin/python3 "$ROOTFS_PY" config "$IMAGE") || fail "could not read the image config"
eval "$img_config"   # shlex-quoted assignments from image-rootfs.py
echo "Entrypoint: ${IMG_ENTRYPOINT[*]}"
echo "Cmd:        ${IMG_CMD[*]}"
echo "Env:        ${IMG_ENV[*]}"
echo "WorkingDir: $IMG_WORKDIR   User: $IMG_USER   Ports: ${IMG_PORTS[*]}   Volumes: ${IMG_VOLUMES[*]}"
[[ ${#IMG_ENTRYPOINT[@]} -gt 0 ]] || fail "the image has no Entrypoint"
[[ ${IMG_CMD[*]} == "run --config /etc/sipmediadeploy/scaler.conf" ]] \
  || fail "the image's Cmd is '${IMG_CMD[*]}', want 'run --config /etc/sipmediadeploy/scaler.conf'"
read -r UID_IMG GID_IMG < <(/usr/bin/python3 "$ROOTFS_PY" ids "$ROOT" "$IMG_USER") \
  || fail "the image's User '$IMG_USER' is not known to its /etc/passwd"
[[ $UID_IMG != 0 ]] || fail "the image runs as root (User '$IMG_USER')"
echo "ok  runs as uid $UID_IMG gid $GID_IMG (non-root)"

step "Dockerfile agrees with the image (entrypoint, command, user, workdir, ports, volume, env, jars)"
DIST=$REPO/scaler-daemon/target/sipmediadeploy-scaler-$VERSION.tar.gz
[[ -s $DIST ]] || fail "no $DIST (the distribution the Dockerfile builds from; mvn -pl scaler-daemon -am package)"
/usr/bin/python3 - "$REPO/deploy/container/Dockerfile" "$IMAGE" "$VERSION" "$DIST" <<'PY' \
  || fail "deploy/container/Dockerfile and the Jib image disagree (see above)"
import gzip, io, json, re, sys, tarfile
dockerfile, image, version, dist = sys.argv[1:]
lines, cur = [], ""
for raw in open(dockerfile, encoding="utf-8"):
    line = raw.rstrip("\n")
    if line.lstrip().startswith("#") and not cur:
        continue
    if line.endswith("\\"):
        cur += line[:-1] + " "
        continue
    cur += line
    if cur.strip():
        lines.append(cur.strip())
    cur = ""
final = []
for l in lines:
    if l.upper().startswith("FROM "):
        final = []
    final.append(l)
want = {}
for l in final:
    op, _, rest = l.partition(" ")
    op = op.upper()
    if op in ("ENTRYPOINT", "CMD", "VOLUME"):
        want[op] = json.loads(rest)
    elif op in ("USER", "WORKDIR"):
        want[op] = rest.strip()
    elif op == "EXPOSE":
        want.setdefault("EXPOSE", []).extend(rest.split())
    elif op == "ENV":
        for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', rest):
            want.setdefault("ENV", {})[k] = v.strip('"')
    elif op == "LABEL":
        for k, v in re.findall(r'([\w.-]+)=("[^"]*"|\S+)', rest):
            want.setdefault("LABEL", {})[k] = v.strip('"')
with tarfile.open(image) as t:
    entry = json.load(t.extractfile("manifest.json"))[0]
    c = json.load(t.extractfile(entry["Config"]))["config"]
    jib_jars = set()
    for layer in entry["Layers"]:
        raw = t.extractfile(layer).read()
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)) as lt:
            jib_jars |= {n.rsplit("/", 1)[-1] for n in lt.getnames() if n.startswith("app/libs/") and n.endswith(".jar")}
with tarfile.open(dist) as d:
    dist_jars = {n.rsplit("/", 1)[-1] for n in d.getnames() if "/lib/" in n and n.endswith(".jar")}
env = dict(e.split("=", 1) for e in c.get("Env", []))
problems = []
def same(what, got, exp):
    if got != exp:
        problems.append(f"{what}: image {got!r}, Dockerfile {exp!r}")
same("Entrypoint", c.get("Entrypoint"), want.get("ENTRYPOINT"))
same("Cmd", c.get("Cmd"), want.get("CMD"))
same("User", c.get("User"), want.get("USER"))
same("WorkingDir", c.get("WorkingDir"), want.get("WORKDIR"))
same("ExposedPorts", sorted(c.get("ExposedPorts", {})), sorted(want.get("EXPOSE", [])))
same("Volumes", sorted(c.get("Volumes", {})), sorted(want.get("VOLUME", [])))
for k, v in want.get("ENV", {}).items():
    same(f"Env {k}", env.get(k), v)
for k in ("PATH", "JAVA_HOME"):
    if k not in want.get("ENV", {}):
        problems.append(f"Env {k}: not set by the Dockerfile")
labels = c.get("Labels", {})
for k, v in want.get("LABEL", {}).items():
    if "$" not in v:
        same(f"Label {k}", labels.get(k), v)
text = open(dockerfile, encoding="utf-8").read()
m = re.search(r"^ARG VERSION=(\S+)", text, re.M)
same("ARG VERSION (the project version)", m.group(1) if m else None, version)
# The Dockerfile puts the distribution's lib/ in /app/libs: the same jars as Jib's, plus the daemon's own
# (Jib puts its classes in /app/classes and /app/resources).
same("jars: distribution lib/ minus Jib's /app/libs", sorted(dist_jars - jib_jars), [f"scaler-daemon-{version}.jar"])
same("jars: Jib's /app/libs minus distribution lib/", sorted(jib_jars - dist_jars), [])
if "jre-modules" not in text:
    problems.append("the Dockerfile does not jlink deploy/container/jre-modules")
for p in problems:
    print("  mismatch:", p)
if problems:
    sys.exit(1)
print(f"ok  Entrypoint, Cmd, User, WorkingDir, ports, volume, Env, labels, version agree; {len(jib_jars)} jars + the daemon's")
PY

step "runtime setup: /proc, a minimal /dev, /etc/hosts, /etc/resolv.conf, /etc/hostname"
mount -t proc proc "$ROOT/proc"
MOUNTS+=("$ROOT/proc")
mount -t tmpfs -o mode=0755,nosuid tmpfs "$ROOT/dev"
MOUNTS+=("$ROOT/dev")
for dev in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  read -r name major minor <<< "$dev"
  mknod -m 0666 "$ROOT/dev/$name" c "$major" "$minor"
done
mkdir -m 1777 "$ROOT/dev/shm"
ln -s /proc/self/fd "$ROOT/dev/fd"
printf '127.0.0.1\tlocalhost\n%s\tsmd-image-test\n' "$IP" > "$ROOT/etc/hosts"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
echo smd-image-test > "$ROOT/etc/hostname"

free_port() {
  /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$IP"
}

step "sandbox cloud on $IP (Keystone, Nova, Neutron; built-in Kamailio pair and gateway hosts)"
setsid java -Xmx192m -XX:+UseSerialGC -cp "$SANDBOX_CP" org.sipmediadeploy.sandbox.SandboxMain \
  --bind "$IP" --port 0 --builtin-only --address-block "$SANDBOX_BLOCK" --boot-delay-ms 500 \
  --tag smd-image-test --work-dir "$WORK/sandbox" --pair kamailio=sipmediadeploy-kamailio \
  > "$WORK/sandbox.out" 2> "$WORK/sandbox.err" &
SANDBOX_PID=$!
PIDS+=("$SANDBOX_PID")
for _ in $(seq 1 300); do
  grep -q '^PAIR ' "$WORK/sandbox.out" && break
  kill -0 "$SANDBOX_PID" 2> /dev/null || { tail -20 "$WORK/sandbox.err"; fail "the sandbox exited"; }
  sleep 0.1
done
grep -q '^PAIR ' "$WORK/sandbox.out" || { tail -20 "$WORK/sandbox.err"; fail "the sandbox did not start in 30 s"; }
KEYSTONE_URL=$(sed -n 's/^KEYSTONE_URL=//p' "$WORK/sandbox.out")
PAIR_FIP=$(sed -n 's/^PAIR //p' "$WORK/sandbox.out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["floatingAddress"])')
echo "sandbox pid $SANDBOX_PID, Keystone $KEYSTONE_URL, kamailio floating IP $PAIR_FIP"

step "a single-node scaler.conf and its secrets in /etc/sipmediadeploy (as a mount would bring them)"
RAFT_PORT=$(free_port)
ADMIN_PORT=$(free_port)
TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '+/=')
CONF_DIR=$ROOT/etc/sipmediadeploy
umask 077
cat > "$CONF_DIR/scaler.conf" << EOF
# deploy/ci/image-test.sh: one node, the sandbox's cloud, one pair and one pool.
scaler {
  node { id = "scaler-1", probe-address = "$IP" }
  cluster { peers = [ { id = "scaler-1", address = "$IP:$RAFT_PORT" } ] }
  admin { bind = "$IP", port = $ADMIN_PORT, token-file = "admin.token" }
  openstack {
    auth-url = "$KEYSTONE_URL"
    tag = "smd-image-test"
    auth { type = "password", username = "admin", project = "admin", password-file = "os-password" }
  }
  pairs {
    kamailio {
      floating-ip = "$PAIR_FIP"
      members = ["kamailio-a", "kamailio-b"]
      probe { kind = "sip-options", port = 5060, transport = "udp" }
      replacement { image = "sipmediadeploy-kamailio", flavor = "m1.small", network = "tenant-net" }
    }
  }
  pools {
    gateways {
      image = "sipmediadeploy-gateway", flavor = "m1.small", network = "tenant-net"
      capacity-per-host = 4, min-hosts = 1, max-hosts = 2
      spare { default = 0 }
      boot-timeout = 2m
    }
  }
  logging { format = "json" }
}
EOF
printf '%s\n' "$TOKEN" > "$CONF_DIR/admin.token"
printf 's3cret\n' > "$CONF_DIR/os-password"   # the sandbox's fixed test password
umask 022
chown "$UID_IMG:$GID_IMG" "$CONF_DIR"/scaler.conf "$CONF_DIR"/admin.token "$CONF_DIR"/os-password
chmod 0600 "$CONF_DIR"/scaler.conf "$CONF_DIR"/admin.token "$CONF_DIR"/os-password
echo "admin API http://$IP:$ADMIN_PORT, Raft $IP:$RAFT_PORT"

run_args=("$ROOT" --user "$IMG_USER" --workdir "$IMG_WORKDIR")
for e in "${IMG_ENV[@]}"; do run_args+=(--env "$e"); done

step "start the image's entrypoint under chroot: ${IMG_ENTRYPOINT[*]} ${IMG_CMD[*]}"
setsid /usr/bin/python3 "$ROOTFS_PY" run "${run_args[@]}" -- "${IMG_ENTRYPOINT[@]}" "${IMG_CMD[@]}" \
  > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!   # python execs the entrypoint, which execs java: this is the JVM's PID
PIDS+=("$DAEMON_PID")
echo "daemon pid $DAEMON_PID"

status_json() { curl -s --max-time 3 -H "Authorization: Bearer $TOKEN" "http://$IP:$ADMIN_PORT/v1/status"; }
up=0
for _ in $(seq 1 $((TIMEOUT * 2))); do
  kill -0 "$DAEMON_PID" 2> /dev/null || fail "the daemon exited before it was up"
  if status_json > "$WORK/status.json" 2> /dev/null && /usr/bin/python3 - "$WORK/status.json" <<'PY'; then
import json, sys
try:
    s = json.load(open(sys.argv[1]))
    node = s["node"]
    probes = [p for p in s["pairs"] if p["name"] == "kamailio"][0]["active"]["probes"]
    hosts = [p for p in s["pools"] if p["name"] == "gateways"][0]["hosts"]
except (ValueError, LookupError, TypeError):
    sys.exit(1)  # not up yet (no answer, or the pair/pool not in the replicated state yet)
ok = (node["role"] == "LEADER" and node["leader_id"] == "scaler-1" and probes and probes[0]["status"] == "UP"
      and any(h["state"] == "READY" for h in hosts))
sys.exit(0 if ok else 1)
PY
    up=1
    break
  fi
  sleep 0.5
done
if [[ $up != 1 ]]; then
  echo "last /v1/status: $(head -c 1500 "$WORK/status.json" 2> /dev/null)" >&2
  fail "the daemon was not leader with kamailio UP and a gateway host READY within ${TIMEOUT}s"
fi
/usr/bin/python3 - "$WORK/status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
pair = next(p for p in s["pairs"] if p["name"] == "kamailio")
hosts = next(p for p in s["pools"] if p["name"] == "gateways")["hosts"]
print(f"ok  /v1/status: {s['node']['id']} {s['node']['role']} (term {s['node']['term']}), kamailio active "
      f"{pair['active']['name']} {pair['active']['probes'][0]['status']}, gateways: "
      + ", ".join(f"{h.get('name', h.get('id'))} {h['state']}" for h in hosts))
PY

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$IP:$ADMIN_PORT/v1/status")
[[ $code == 401 ]] || fail "/v1/status without the token answered $code, want 401"
echo "ok  /v1/status without the token -> 401"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$IP:$ADMIN_PORT/health/ready")
[[ $code == 200 ]] || fail "/health/ready answered $code, want 200"
echo "ok  /health/ready -> 200"

step "the process is the image's JVM, as the image's user, writing the image's state directory"
[[ $(readlink "/proc/$DAEMON_PID/root") == "$ROOT" ]] || fail "pid $DAEMON_PID is not chrooted into $ROOT"
exe=$(readlink "/proc/$DAEMON_PID/exe")
[[ $exe == "$ROOT"/* ]] || fail "pid $DAEMON_PID runs $exe, not a binary of the image"
echo "ok  exe ${exe#"$ROOT"} (from the image), root $ROOT"
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$DAEMON_PID/status")
[[ $uids == "$UID_IMG $UID_IMG $UID_IMG $UID_IMG" ]] || fail "pid $DAEMON_PID has uids '$uids', want $UID_IMG"
echo "ok  uid $UID_IMG"
state=$ROOT/var/lib/sipmediadeploy-scaler/raft
[[ -d $state && -n $(find "$state" -type f -print -quit) ]] || fail "no Raft files under /var/lib/sipmediadeploy-scaler/raft"
[[ -z $(find "$state" ! -uid "$UID_IMG" -print -quit) ]] || fail "files under $state not owned by $UID_IMG"
echo "ok  Raft storage in /var/lib/sipmediadeploy-scaler/raft, owned by $UID_IMG"

step "scalerctl status from the image (same user, same config)"
timeout 60 /usr/bin/python3 "$ROOTFS_PY" run "${run_args[@]}" -- \
  scalerctl status --config /etc/sipmediadeploy/scaler.conf > "$WORK/scalerctl.log" 2>&1 \
  || { cat "$WORK/scalerctl.log"; fail "scalerctl status (in the image) failed"; }
grep -q 'scaler-1' "$WORK/scalerctl.log" || { cat "$WORK/scalerctl.log"; fail "scalerctl status does not name scaler-1"; }
sed 's/^/    /' "$WORK/scalerctl.log" | head -15

step "SIGTERM to pid $DAEMON_PID: the node stops"
kill -TERM "$DAEMON_PID"
rc=0
for _ in $(seq 1 250); do kill -0 "$DAEMON_PID" 2> /dev/null || break; sleep 0.1; done
kill -0 "$DAEMON_PID" 2> /dev/null && fail "the daemon still runs 25 s after SIGTERM"
wait "$DAEMON_PID" || rc=$?
[[ $rc == 0 || $rc == 143 ]] || fail "the daemon exited with $rc after SIGTERM, want 143 (or 0)"
grep -q 'stopping on signal' "$WORK/daemon.log" || fail "no 'stopping on signal' in the daemon's log"
echo "ok  exit $rc, 'stopping on signal' logged"

step "PASS (image-test, $(($(date +%s) - START)) s)"
