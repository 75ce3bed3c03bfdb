#!/usr/bin/env bash
# Runs every test, installing what it needs first (tools/setup.sh: idempotent, seconds when all is there): the
# Maven reactor (unit, integration against real Kamailio/Coturn/SIPp, Raft clusters,
# the sandbox, and the OpenStack contract suite against a real OpenStack started here), then the deploy kit's
# checks. Starts and stops what it needs; exits non-zero on any failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
shared=${SHARED_DIR:-$here/../shared}
export OS_DIR=${OS_DIR:-/tmp/sipmediadeploy-os}
export CHECKPOINT_DISABLE=1
started_os=0
cleanup() {
  if [ "$started_os" = 1 ]; then
    bash "$shared/tools/openstack/os-down.sh" >/dev/null 2>&1 || true
    rm -rf "$OS_DIR"
  fi
}
trap cleanup EXIT INT TERM

t0=$(date +%s)
echo "== setup (installs only what is missing)"
"$here/tools/setup.sh"
if [ "${SKIP_OPENSTACK:-0}" != 1 ]; then
  if curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v3 2>/dev/null | grep -q 200; then
    echo "== OpenStack already answering on 127.0.0.1:5000: using it"
  else
    echo "== starting the real OpenStack control plane (about 75 s)"
    rm -rf "$OS_DIR"
    started_os=1
    bash "$shared/tools/openstack/os-up.sh" > /tmp/sipmediadeploy-os-up.log 2>&1 \
      || { tail -40 /tmp/sipmediadeploy-os-up.log; exit 1; }
    tail -1 /tmp/sipmediadeploy-os-up.log
  fi
fi

failed=()
# Each step runs even when an earlier one failed (a red module must not hide the deploy kit's results); the run
# exits non-zero at the end, naming every step that failed.
step() {
  local name=$1
  shift
  echo "== $name"
  if ! "$@"; then
    echo "== FAILED: $name"
    failed+=("$name")
  fi
}
step "bench/percentiles.py self-check (the Python benchmarks' percentile, same cases as PercentilesTest)" \
  python3 bench/percentiles.py
profile="-Popenstack"; [ "${SKIP_OPENSTACK:-0}" = 1 ] && profile=""
step "maven verify (all modules)" mvn -B -ntp -fae $profile ${MVN_ARGS:-} verify
step "deploy kit: static checks (ansible-lint, yamllint, packer validate, terraform test, cloud-init schema, ...)" \
  deploy/ci/check.sh
deb=$(ls scaler-daemon/target/sipmediadeploy-scaler_*_all.deb 2>/dev/null | head -1) || true
step "deploy kit: roles applied for real to a Debian chroot, with the scaler .deb just built" \
  deploy/ci/chroot-test.sh "$deb"
step "deploy kit: each image kind built as Packer does, its first boot run offline (ansible-core only, network cut)" \
  deploy/ci/firstboot-test.sh "$deb"
step "container image: Jib to a tarball (no Docker daemon)" deploy/container/build-image.sh
step "container image: its entrypoint run under chroot" deploy/ci/image-test.sh
step "failover with calls, reduced (1 run per cell, about 2 min): no call to a busy gateway, no lost BYE" \
  mvn -B -ntp ${MVN_ARGS:-} -pl scaler-calls test -Dtest=FailoverCallsBenchmark -Dgroups=bench \
  -Dcalls.excluded=none -Dcalls.bench.runs=1 -Dcalls.results="$here/scaler-calls/target/bench-ci"
step "failover side by side, reduced (5 runs per cell, about 7 min): the scaler's killed-Kamailio p99 must be <= 2 s" \
  bench/failover-side-by-side/run.sh --ci
if [ ${#failed[@]} -eq 0 ]; then
  echo "== all tests passed in $(( $(date +%s) - t0 )) s"
else
  echo "== ${#failed[@]} step(s) failed after $(( $(date +%s) - t0 )) s:"
  printf '   - %s\n' "${failed[@]}"
fi
# One plain closing line for the whole run, summed over every module's Surefire reports.
/usr/bin/python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t = f = s = 0
for p in glob.glob("*/target/surefire-reports/TEST-*.xml"):
    r = ET.parse(p).getroot()
    n, fail, err, skip = (int(r.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    t += n; f += fail + err; s += skip
print(f"tests: {t - f - s} passed, {f} failed, {s} skipped")
PY
[ ${#failed[@]} -eq 0 ]
