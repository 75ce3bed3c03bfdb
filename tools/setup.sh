#!/usr/bin/env bash
# Installs what the build, the tests and the demo need on a fresh Debian 12 machine. Idempotent and fast when
# everything is there already (no apt-get update then); uses sudo only when not run as root.
# Java 17 and Maven come with the machine image (installed here when missing); everything else is a Debian package.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -E"
packages=(kamailio coturn sip-tester sipsak iptables nftables iproute2 procps util-linux openssl curl rsync
  ansible ansible-lint yamllint shellcheck cloud-init packer debootstrap keepalived unzip
  prometheus)  # prometheus: promtool, which deploy/ci/check.sh uses to check and unit-test the alerting rules
# jlink and the jmods of Debian's OpenJDK 17 are the container image's runtime (deploy/container/build-image.sh).
command -v java >/dev/null && [ -d /usr/lib/jvm/java-17-openjdk-amd64/jmods ] || packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || packages+=(maven)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_get() { $sudo apt-get -o DPkg::Lock::Timeout=900 "$@"; }
  for _ in 1 2 3 4 5 6; do apt_get update -q && break; sleep 5; done
  apt_get install -y -q --no-install-recommends "${missing[@]}"
fi
# The real OpenStack control plane the adapter's contract suite runs against (Debian's packages), installed by
# the workplace's shared tools; skipped when its services are installed already.
shared=${SHARED_DIR:-$here/../shared}
if [ "${SKIP_OPENSTACK:-0}" != 1 ]; then
  os_packages=(keystone python3-openstackclient neutron-server mariadb-server rabbitmq-server placement-api
    glance-api nova-api nova-conductor nova-scheduler)
  installed=$(dpkg-query -W -f='${Status}\n' "${os_packages[@]}" 2>/dev/null | grep -c 'install ok installed' || true)
  if [ "$installed" != "${#os_packages[@]}" ]; then
    $sudo bash "$shared/tools/openstack/os-install.sh"
  fi
fi
echo "setup done"
