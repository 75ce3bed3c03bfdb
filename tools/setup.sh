#!/usr/bin/env bash
# Installs what the build, the tests and the demo need on a fresh Debian 12 machine (run as root; idempotent).
# Java 17 and Maven come with the machine image; everything else is a Debian package.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=900 "$@"; }
for i in 1 2 3 4 5 6; do apt_get update -q && break; sleep 5; done
apt_get install -y -q --no-install-recommends \
  kamailio coturn sip-tester sipsak iptables nftables iproute2 procps util-linux openssl curl rsync \
  ansible ansible-lint yamllint shellcheck cloud-init packer debootstrap keepalived
# promtool (Debian's prometheus package): deploy/ci/check.sh checks and unit-tests the alerting rules with it.
apt_get install -y -q --no-install-recommends prometheus
command -v java >/dev/null || apt_get install -y -q openjdk-17-jdk-headless
command -v mvn >/dev/null || apt_get install -y -q maven
# jlink and the jmods of Debian's OpenJDK 17: the container image's runtime (deploy/container/build-image.sh).
[ -d /usr/lib/jvm/java-17-openjdk-amd64/jmods ] || apt_get install -y -q --no-install-recommends openjdk-17-jdk-headless
# The real OpenStack control plane the adapter's contract suite runs against (Debian's packages).
shared=${SHARED_DIR:-$here/../shared}
if [ "${SKIP_OPENSTACK:-0}" != 1 ]; then
  bash "$shared/tools/openstack/os-install.sh"
fi
echo "setup done"
