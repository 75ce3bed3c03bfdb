#!/usr/bin/env bash
# The images boot offline: each image's first-boot command runs with exactly what the image has and no network.
#
# For every image kind (kamailio, coturn, gateway-host; scaler when given the .deb) this builds the image the way
# packer/ does, in a Debian bookworm chroot, then boots it the way cloud-init does:
#   image build (network on)  Packer's shell step (apt-get install --no-install-recommends ansible-core, the
#                             playbooks copied to /opt/sipmediadeploy/ansible), then Packer's ansible step from this
#                             host: the kind's playbooks with --tags smd_install; then apt's downloaded .debs go away
#                             (Packer runs apt-get clean) and apt's indexes are made 30 days old (an image boots long
#                             after it was built).
#   first boot (network cut)  the cloud-init document Terraform renders for the kind (terraform/tests/render): its
#                             write_files are written into the image and its runcmd runs inside the chroot, in a
#                             network namespace of this test whose only route leads into a veth pair that ends there (the VM has
#                             its address, the mirror and every other host are unreachable).
# It fails when a first-boot command fails (e.g. an Ansible plugin the image lacks, an apt task that needs the
# mirror), or when first boot changed the installed package set (dpkg's status file) in any way.
# The kinds share one base chroot (debootstrap + ansible-core); each kind gets its own overlay on it, so no kind
# sees another kind's packages.
#
# Usage (as root, from anywhere):
#   deploy/ci/firstboot-test.sh [PATH/sipmediadeploy-scaler_VERSION_all.deb]
# Env: SMD_CHROOT_CACHE (default /var/cache/sipmediadeploy): the debootstrap tarball and apt's downloads, shared
#      with chroot-test.sh; KEEP_CHROOT=1 keeps the tree.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ANSIBLE_DIR=$REPO/deploy/ansible
CACHE=${SMD_CHROOT_CACHE:-/var/cache/sipmediadeploy}
TARBALL=$CACHE/bookworm-minbase-python3.tar.gz
APT_ARCHIVES=$CACHE/apt-archives
APT_LISTS=$CACHE/apt-lists
MIRROR=${SMD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEB=${1:-}
TERRAFORM=${TERRAFORM:-$(command -v terraform || echo /usr/local/bin/terraform)}
# The address the booting VM has inside the test's namespace (the render fixture's first Kamailio member).
VM_IP=10.0.0.21

START=$(date +%s)
step() { printf '\n== [%4ss] %s\n' "$(($(date +%s) - START))" "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap, chroot, mount, ip netns)"
[[ -z $DEB || -f $DEB ]] || fail "no such .deb: $DEB"
[[ -z $DEB ]] || DEB=$(readlink -f "$DEB")
for tool in debootstrap chroot ip ansible-playbook sha256sum timeout /usr/bin/python3; do
  command -v "$tool" > /dev/null || fail "missing tool: $tool"
done
[[ -x $TERRAFORM ]] || fail "missing tool: terraform"

WORK=$(mktemp -d /tmp/smd-firstboot.XXXXXX)
BASE=$WORK/base
NETNS=smd-firstboot-$$
MOUNTS=()
GROUPS_TO_STOP=()   # nothing is started in the background: only mounts and the namespace to undo

# shellcheck source=deploy/ci/teardown.sh
source "$(dirname "${BASH_SOURCE[0]}")/teardown.sh"
cleanup() {
  local rc=$?
  set +e
  ip netns delete "$NETNS" 2> /dev/null
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
unmount() { # unmount PATH : one mount taken out of MOUNTS
  local i
  umount "$1"
  for i in "${!MOUNTS[@]}"; do [[ ${MOUNTS[i]} == "$1" ]] && unset 'MOUNTS[i]'; done
  MOUNTS=("${MOUNTS[@]}")
}

step "render the cloud-init documents (terraform/tests/render)"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
: > "$WORK/terraformrc"
export TF_CLI_CONFIG_FILE=$WORK/terraformrc
TF_DATA_DIR=$WORK/tf-data "$TERRAFORM" -chdir="$REPO/terraform/tests/render" init -backend=false -input=false > "$WORK/tf.log" 2>&1 \
  || { cat "$WORK/tf.log"; fail "terraform init of terraform/tests/render"; }
TF_DATA_DIR=$WORK/tf-data "$TERRAFORM" -chdir="$REPO/terraform/tests/render" apply -auto-approve -input=false -no-color \
  -state="$WORK/render.tfstate" >> "$WORK/tf.log" 2>&1 || { cat "$WORK/tf.log"; fail "terraform apply of terraform/tests/render"; }
TF_DATA_DIR=$WORK/tf-data "$TERRAFORM" -chdir="$REPO/terraform/tests/render" output -state="$WORK/render.tfstate" \
  -json documents > "$WORK/documents.json"
echo "ok  $(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/documents.json") documents"

step "base image: debootstrap tree + Packer's shell step (ansible-core only, --no-install-recommends)"
mkdir -p "$CACHE" "$APT_ARCHIVES/partial" "$APT_LISTS/partial"
if [[ ! -s $TARBALL ]]; then
  step "no cached tarball: debootstrap bookworm (reaches $MIRROR)"
  debootstrap --variant=minbase --include=python3 bookworm "$WORK/build" "$MIRROR"
  tar -C "$WORK/build" -czf "$TARBALL.tmp.$$" . && mv "$TARBALL.tmp.$$" "$TARBALL"
  rm -rf "$WORK/build"
fi
mkdir -p "$BASE"
tar -C "$BASE" -xzf "$TARBALL"
cp /etc/resolv.conf "$BASE/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$BASE/usr/sbin/policy-rc.d"   # no daemon starts from a package script
chmod 0755 "$BASE/usr/sbin/policy-rc.d"
mount -t proc proc "$BASE/proc"
MOUNTS+=("$BASE/proc")
bind /dev "$BASE/dev"
bind "$APT_ARCHIVES" "$BASE/var/cache/apt/archives"
bind "$APT_LISTS" "$BASE/var/lib/apt/lists"
chroot "$BASE" env DEBIAN_FRONTEND=noninteractive apt-get update -q > "$WORK/base-apt.log" 2>&1 \
  || { tail -20 "$WORK/base-apt.log"; fail "apt-get update in the base image"; }
chroot "$BASE" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ansible-core \
  >> "$WORK/base-apt.log" 2>&1 || { tail -20 "$WORK/base-apt.log"; fail "apt-get install ansible-core"; }
mkdir -p "$BASE/opt/sipmediadeploy"
cp -r "$ANSIBLE_DIR" "$BASE/opt/sipmediadeploy/ansible"
for m in "$BASE/var/lib/apt/lists" "$BASE/var/cache/apt/archives" "$BASE/dev" "$BASE/proc"; do unmount "$m"; done
collections=$(chroot "$BASE" find / -xdev -type d -name ansible_collections -not -path '/proc/*' 2> /dev/null | head -5)
# shellcheck disable=SC2016 # ${Version} is dpkg-query's, not the shell's
echo "ok  ansible-core $(chroot "$BASE" dpkg-query -W -f '${Version}' ansible-core), collections: ${collections:-none}"

step "the cut network: namespace $NETNS, the VM's address $VM_IP on a veth whose peer is in the namespace too"
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
# Both ends of the veth pair stay in the namespace: what is routed out of eth0 arrives at eth1, where nothing
# listens or forwards.
ip -n "$NETNS" link add eth0 type veth peer name eth1
ip -n "$NETNS" addr add "$VM_IP/24" dev eth0
ip -n "$NETNS" link set eth0 up
ip -n "$NETNS" link set eth1 up
ip -n "$NETNS" route add default dev eth0
echo "ok  $(ip -n "$NETNS" -br addr | tr -s ' ' | paste -sd';')"

# image_build KIND ROOT PLAYBOOK... : Packer's ansible provisioner (from this host, the kind's playbooks, packages only)
image_build() {
  local kind=$1 root=$2
  shift 2
  cat > "$WORK/$kind-inventory.yml" << EOF
all:
  hosts:
    image:
      ansible_connection: community.general.chroot
      ansible_host: $root
      ansible_python_interpreter: /usr/bin/python3
  children:
$(for pb in "$@"; do printf '    %s: {hosts: {image: {}}}\n' "$(basename "$pb" .yml)"; done)
EOF
  ANSIBLE_CONFIG=$ANSIBLE_DIR/ansible.cfg ANSIBLE_ROLES_PATH=$ANSIBLE_DIR/roles ANSIBLE_FORCE_COLOR=0 \
    ansible-playbook -i "$WORK/$kind-inventory.yml" --tags smd_install \
    -e ansible_python_interpreter=/usr/bin/python3 -e ansible_service_mgr=none "${DEB_VARS[@]}" "$@" \
    > "$WORK/$kind-build.log" 2>&1 || { tail -30 "$WORK/$kind-build.log"; fail "$kind: image build (--tags smd_install)"; }
  grep -E '^image +:' "$WORK/$kind-build.log" | sed 's/^/    build: /'
}

# write_files DOC ROOT : what cloud-init's write_files does, into ROOT
write_files() {
  /usr/bin/python3 - "$1" "$2" << 'EOF'
import json, os, sys
import yaml
doc = yaml.safe_load(sys.argv[1])
root = sys.argv[2]
for f in doc.get("write_files", []):
    path = root + f["path"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f["content"])
    os.chmod(path, int(f.get("permissions", "0644"), 8))
    print("    wrote", f["path"], f.get("permissions", "0644"))
EOF
}

# runcmd DOC : the document's runcmd entries, one shell command per line
runcmd() {
  /usr/bin/python3 - "$1" << 'EOF'
import shlex, sys
import yaml
for entry in yaml.safe_load(sys.argv[1]).get("runcmd", []):
    if isinstance(entry, list):
        # ["sh", "-c", CMD] is CMD; any other argv is quoted as is
        print(entry[2] if entry[:2] == ["sh", "-c"] else shlex.join(entry))
    else:
        print(entry)
EOF
}

# first_boot KIND ROOT DOCNAME CHECK_PATH... : write the document's files, run its commands offline, check the result
first_boot() {
  local kind=$1 root=$2 name=$3 doc cmd before after
  shift 3
  doc=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/documents.json" "$name") \
    || fail "$kind: no rendered document $name"
  write_files "$doc" "$root"
  # No systemd in a chroot: the roles skip their systemd tasks when the service manager is not systemd, and the
  # facts of a chroot say whatever the host's PID 1 is; say it for them, as chroot-test.sh does.
  local vars
  for vars in "$root"/etc/sipmediadeploy/ansible/vars.yml "$root"/etc/sipmediadeploy/ansible/log_shipper-vars.yml; do
    [[ -f $vars ]] && printf 'ansible_service_mgr: none\n' >> "$vars"
  done
  # The image as Packer leaves it: the resolver points nowhere (connection refused at once, no DNS timeout).
  printf 'nameserver 127.0.0.1\n' > "$root/etc/resolv.conf"
  before=$(sha256sum < "$root/var/lib/dpkg/status")
  mount -t proc proc "$root/proc"
  MOUNTS+=("$root/proc")
  bind /dev "$root/dev"
  while IFS= read -r cmd; do
    echo "    runcmd: $cmd"
    if ! timeout 600 ip netns exec "$NETNS" chroot "$root" env -i PATH=$SHIM_PATH/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 sh -c "$cmd" > "$WORK/$kind-firstboot.out" 2>&1; then
      cat "$WORK/$kind-firstboot.out"
      [[ -f $root/var/log/sipmediadeploy-firstboot.log ]] && grep -E 'ERROR|fatal|FAILED|Invalid|failed=' \
        "$root/var/log/sipmediadeploy-firstboot.log" | head -20
      fail "$kind: the first-boot command failed offline"
    fi
  done < <(runcmd "$doc")
  unmount "$root/dev"
  unmount "$root/proc"
  after=$(sha256sum < "$root/var/lib/dpkg/status")
  [[ $before == "$after" ]] || fail "$kind: first boot changed the installed packages (dpkg status differs)"
  echo "ok  $kind: first boot offline succeeded, installed packages unchanged"
  if [[ -f $root/var/log/sipmediadeploy-firstboot.log ]]; then
    grep -E '^localhost +:' "$root/var/log/sipmediadeploy-firstboot.log" | sed 's/^/    /'
    ! grep -qE '^localhost +:.* failed=[1-9]' "$root/var/log/sipmediadeploy-firstboot.log" || fail "$kind: a play failed"
  fi
  local p
  for p in "$@"; do
    [[ -e $root$p ]] || fail "$kind: first boot did not produce $p"
    echo "ok  $kind: $p"
  done
}

# kind_root KIND : an overlay on the base image for KIND, in $root (not a subshell: MOUNTS must keep it)
kind_root() {
  local d=$WORK/$1
  mkdir -p "$d/upper" "$d/work" "$d/root"
  mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$d/upper,workdir=$d/work" "$d/root"
  MOUNTS+=("$d/root")
  root=$d/root
}

SHIM_PATH=""
DEB_VARS=()
KINDS=(kamailio coturn gateway-host)
[[ -z $DEB ]] || KINDS+=(scaler)
for kind in "${KINDS[@]}"; do
  step "$kind: image build, then first boot offline"
  kind_root "$kind"
  mount -t proc proc "$root/proc"
  MOUNTS+=("$root/proc")
  bind /dev "$root/dev"
  bind "$APT_ARCHIVES" "$root/var/cache/apt/archives"
  bind "$APT_LISTS" "$root/var/lib/apt/lists"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  DEB_VARS=()
  case $kind in
    kamailio) image_build "$kind" "$root" "$ANSIBLE_DIR/kamailio.yml" "$ANSIBLE_DIR/log_shipper.yml" ;;
    coturn) image_build "$kind" "$root" "$ANSIBLE_DIR/coturn.yml" "$ANSIBLE_DIR/log_shipper.yml" ;;
    gateway-host)
      # Packer clones upstream's checkout from GitHub; here a local stand-in (first boot must not fetch it again)
      "$REPO/deploy/ci/make-upstream-stub.sh" "$root/srv/sipmediagw-upstream"
      DEB_VARS=(-e gateway_host_launcher_repo=/srv/sipmediagw-upstream)
      image_build "$kind" "$root" "$ANSIBLE_DIR/gateway_host.yml" "$ANSIBLE_DIR/log_shipper.yml"
      ;;
    scaler)
      DEB_VARS=(-e scaler_package_source=deb -e "scaler_deb_path=$DEB")
      image_build "$kind" "$root" "$ANSIBLE_DIR/scaler.yml" "$ANSIBLE_DIR/log_shipper.yml"
      ;;
  esac
  for m in "$root/var/lib/apt/lists" "$root/var/cache/apt/archives" "$root/dev" "$root/proc"; do unmount "$m"; done
  rm -f "$root"/var/cache/apt/archives/*.deb   # Packer's apt-get clean
  # The image keeps apt's indexes, and it boots weeks after it was built: an apt task with update_cache and
  # cache_valid_time would now want the mirror.
  cp -a "$APT_LISTS"/. "$root/var/lib/apt/lists/"
  mkdir -p "$root/var/lib/apt/periodic"
  touch "$root/var/lib/apt/periodic/update-success-stamp"
  touch -d '30 days ago' "$root/var/lib/apt/periodic/update-success-stamp" "$root/var/lib/apt/lists"
  SHIM_PATH=""
  case $kind in
    kamailio) first_boot "$kind" "$root" smd-kamailio-a.cloud-init.yaml /etc/kamailio/kamailio.cfg /etc/rsyslog.d/60-sipmediadeploy-shipper.conf ;;
    coturn) first_boot "$kind" "$root" smd-coturn-a.cloud-init.yaml /etc/turnserver.conf ;;
    gateway-host) first_boot "$kind" "$root" gateway-host.cloud-init.yaml /etc/sipmediagw/gateway.env /opt/SIPMediaGW/SIPMediaGW.sh \
      /etc/rsyslog.d/60-sipmediadeploy-shipper.conf ;;
    scaler)
      # No systemd in a chroot: a systemctl that records what first boot asked of it.
      mkdir -p "$root/opt/smd-test-shim"
      printf '#!/bin/sh\necho "$*" >> /var/log/smd-test-systemctl.log\n' > "$root/opt/smd-test-shim/systemctl"
      chmod 0755 "$root/opt/smd-test-shim/systemctl"
      SHIM_PATH="/opt/smd-test-shim:"
      first_boot "$kind" "$root" smd-scaler-1.cloud-init.yaml /etc/sipmediadeploy/scaler.conf \
        /etc/rsyslog.d/60-sipmediadeploy-shipper.conf
      grep -qx 'enable --now sipmediadeploy-scaler.service' "$root/var/log/smd-test-systemctl.log" \
        || fail "scaler: first boot did not enable the service"
      echo "ok  scaler: systemctl enable --now sipmediadeploy-scaler.service requested"
      ;;
  esac
done

step "PASS (firstboot-test, $(($(date +%s) - START)) s)"
