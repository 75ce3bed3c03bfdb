#!/usr/bin/env bash
# Builds the scaler's container image without a Docker daemon or a registry:
#   1. the base image, as a docker-save tarball assembled here: a Debian bookworm
#      minbase rootfs (debootstrap; the tarball deploy/ci/chroot-test.sh caches)
#      trimmed of python3, docs and apt caches, with the user scaler (10001:10001)
#      and its directories, plus a Java 17 runtime jlinked from this machine's JDK
#      with the modules of deploy/container/jre-modules, at /opt/java/openjdk;
#   2. the image: Jib (scaler-daemon's `image` profile) on top of that base, to
#      scaler-daemon/target/sipmediadeploy-scaler-<version>-image.tar (docker load-able).
# The base is cached under $SMD_CHROOT_CACHE/image-base, keyed by everything it is
# made of (Debian tarball, JDK, module list, the recipe); Jib's copy of its layers too.
#
# Usage (as root when the base must be assembled: debootstrap, chroot, ownership):
#   deploy/container/build-image.sh              # base (cached) + Jib image
#   deploy/container/build-image.sh --base-only  # prints the base tarball's path
# Env: SMD_CHROOT_CACHE (default /var/cache/sipmediadeploy), SMD_DEBIAN_MIRROR,
#      SMD_JDK (a JDK 17 home; default: Debian's openjdk-17, else jlink on PATH),
#      MVN_ARGS (extra Maven arguments, e.g. -o).
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$REPO/deploy/container
CACHE=${SMD_CHROOT_CACHE:-/var/cache/sipmediadeploy}
DEBIAN_TARBALL=$CACHE/bookworm-minbase-python3.tar.gz
MIRROR=${SMD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE_DIR=$CACHE/image-base
JIB_BASE_CACHE=$CACHE/jib-base-layers
SCALER_UID=10001
BASE_REF=sipmediadeploy/scaler-base:bookworm-jre17
ENV_PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

START=$(date +%s)
step() { printf '== [%4ss] %s\n' "$(($(date +%s) - START))" "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

BASE_ONLY=0
case ${1:-} in
  --base-only) BASE_ONLY=1 ;;
  '') ;;
  *) fail "unknown argument '$1' (usage: $0 [--base-only])" ;;
esac

# The JDK whose jlink and jmods make the runtime: Java 17, whatever else is installed.
JDK=${SMD_JDK:-}
if [[ -z $JDK ]]; then
  if [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/jlink ]]; then
    JDK=/usr/lib/jvm/java-17-openjdk-amd64
  elif command -v jlink > /dev/null; then
    JDK=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")
  else
    fail "no jlink: install openjdk-17-jdk-headless or set SMD_JDK to a JDK 17 home"
  fi
fi
[[ -x $JDK/bin/jlink && -d $JDK/jmods ]] || fail "$JDK is not a JDK with jlink and jmods (set SMD_JDK)"
JDK_VERSION=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p')
[[ $JDK_VERSION == 17.* ]] || fail "$JDK is Java '$JDK_VERSION', the image runs Java 17 (set SMD_JDK)"
MODULES=$(grep -v '^#' "$HERE/jre-modules" | tr -d ' \n')
[[ -n $MODULES ]] || fail "no modules in $HERE/jre-modules"

WORK=$(mktemp -d /tmp/smd-image.XXXXXX)
cleanup() {
  local rc=$?
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. Debian rootfs (shared with deploy/ci/chroot-test.sh) ---------------------
mkdir -p "$CACHE" "$BASE_DIR" "$JIB_BASE_CACHE"
if [[ ! -s $DEBIAN_TARBALL ]]; then
  [[ $(id -u) -eq 0 ]] || fail "no $DEBIAN_TARBALL yet: run as root to debootstrap it"
  command -v debootstrap > /dev/null || fail "missing tool: debootstrap"
  step "no cached Debian rootfs: debootstrap bookworm (reaches $MIRROR)"
  debootstrap --variant=minbase --include=python3 bookworm "$WORK/debootstrap" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap failed"; }
  tar -C "$WORK/debootstrap" -czf "$DEBIAN_TARBALL.tmp.$$" . && mv "$DEBIAN_TARBALL.tmp.$$" "$DEBIAN_TARBALL"
  rm -rf "$WORK/debootstrap"
fi

# --- 2. Base image (cached by content) ---------------------------------------
build_base() {
  [[ $(id -u) -eq 0 ]] || fail "assembling the base image needs root (chroot, file owners): run as root once"
  local root=$WORK/rootfs jre=$WORK/jre out=$WORK/out pkgs
  mkdir -p "$root" "$out"
  step "base: Debian rootfs from $DEBIAN_TARBALL"
  tar -C "$root" -xzf "$DEBIAN_TARBALL"
  # chroot-test's tarball carries python3 for Ansible: the image does not need it.
  # shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
  pkgs=$(chroot "$root" dpkg-query -W -f '${Package}\n' | grep -E '^(lib)?python3' || true)
  if [[ -n $pkgs ]]; then
    # shellcheck disable=SC2086 # one package per word
    chroot "$root" dpkg --purge $pkgs > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "dpkg --purge python3"; }
  fi
  # What debian:*-slim leaves out, and what a runtime provides (/dev, resolv.conf, hostname).
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${root:?}"/usr/share/man/* "${root:?}"/usr/share/info/* "${root:?}"/usr/share/locale/* \
    "${root:?}"/var/cache/apt/* "${root:?}"/var/lib/apt/lists/* "${root:?}"/dev/* "${root:?}"/tmp/* \
    "${root:?}"/var/tmp/* "${root:?}"/etc/resolv.conf "${root:?}"/etc/hostname
  find "$root/var/log" -type f -delete
  # The same user and directories as the .deb's postinst and the Dockerfile.
  chroot "$root" groupadd --gid "$SCALER_UID" scaler
  chroot "$root" useradd --uid "$SCALER_UID" --gid "$SCALER_UID" --home-dir /var/lib/sipmediadeploy-scaler \
    --no-create-home --shell /usr/sbin/nologin scaler
  install -d -o "$SCALER_UID" -g "$SCALER_UID" -m 0700 "$root/var/lib/sipmediadeploy-scaler"
  install -d -o 0 -g "$SCALER_UID" -m 0750 "$root/etc/sipmediadeploy"
  rm -f "$root"/etc/*- "$root"/var/cache/debconf/*-old   # useradd's backups

  step "base: jlink $JDK_VERSION ($MODULES)"
  mkdir -p "$jre/opt/java"
  "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --output "$jre/opt/java/openjdk"
  "$jre/opt/java/openjdk/bin/java" -version > /dev/null 2>&1 || fail "the jlinked runtime does not start"
  chmod -R u+w,go-w "$jre"

  step "base: layers"
  local layers=() diff_ids=() top=() name src sum
  for name in debian jre; do
    src=$root
    [[ $name == jre ]] && src=$jre
    # Reproducible: sorted, numeric owners, one fixed time.
    # Member names without a leading ./ (as docker save writes them).
    mapfile -t top < <(ls -A "$src")
    tar -C "$src" --sort=name --numeric-owner --mtime=@1 --format=gnu -cf "$WORK/$name.tar" -- "${top[@]}"
    sum=$(sha256sum "$WORK/$name.tar" | cut -d' ' -f1)
    gzip -n -6 < "$WORK/$name.tar" > "$out/$sum.tar.gz"
    rm -f "$WORK/$name.tar"
    layers+=("\"$sum.tar.gz\"")
    diff_ids+=("\"sha256:$sum\"")
  done
  local joined_layers joined_ids
  joined_layers=$(IFS=,; echo "${layers[*]}")
  joined_ids=$(IFS=,; echo "${diff_ids[*]}")
  cat > "$out/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:01Z",
 "config":{"Env":["PATH=$ENV_PATH","JAVA_HOME=/opt/java/openjdk","LANG=C.UTF-8"],
  "Cmd":["/bin/bash"],
  "Labels":{"org.sipmediadeploy.base":"debian bookworm minbase + OpenJDK $JDK_VERSION (jlink: $MODULES)"}},
 "rootfs":{"type":"layers","diff_ids":[$joined_ids]},
 "history":[{"created":"1970-01-01T00:00:01Z","created_by":"debootstrap --variant=minbase bookworm; user scaler $SCALER_UID"},
  {"created":"1970-01-01T00:00:01Z","created_by":"jlink OpenJDK $JDK_VERSION to /opt/java/openjdk"}]}
EOF
  echo "[{\"Config\":\"config.json\",\"RepoTags\":[\"$BASE_REF\"],\"Layers\":[$joined_layers]}]" > "$out/manifest.json"
  /usr/bin/python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' "$out/config.json" "$out/manifest.json" \
    || fail "base image JSON is malformed"
  mapfile -t top < <(ls -A "$out")
  tar -C "$out" --sort=name --numeric-owner --mtime=@1 -cf "$BASE.tmp.$$" -- "${top[@]}"
  mv "$BASE.tmp.$$" "$BASE"
}

# The base's key: everything it is made of (the recipe is build_base itself, as bash prints it).
KEY=$({
  stat -c '%s %Y' "$DEBIAN_TARBALL"
  echo "$JDK $JDK_VERSION $MODULES $SCALER_UID $BASE_REF $ENV_PATH"
  declare -f build_base
} | sha256sum | cut -c1-16)
BASE=$BASE_DIR/scaler-base-$KEY.tar
if [[ -s $BASE ]]; then
  step "base image (cached): $BASE"
  touch "$BASE"   # in use: kept by the pruning below
else
  build_base
  step "base image: $BASE ($(du -h "$BASE" | cut -f1))"
fi
# Bases of other inputs that nobody used for two days (another checkout may still use a recent one).
find "$BASE_DIR" -maxdepth 1 -name 'scaler-base-*.tar' ! -name "${BASE##*/}" -mtime +2 -delete
if [[ $BASE_ONLY == 1 ]]; then
  echo "$BASE"
  exit 0
fi

# --- 3. Jib ----------------------------------------------------------------
step "Jib: scaler-daemon image on tar://$BASE"
cd "$REPO"
# -am: the sibling modules come from this reactor, not from a local repository.
# shellcheck disable=SC2086 # MVN_ARGS is a word list
mvn -B -ntp -q ${MVN_ARGS:-} -pl scaler-daemon -am package -DskipTests \
  "-Dscaler.image.base=tar://$BASE" "-Djib.baseImageCache=$JIB_BASE_CACHE" -Djib.disableUpdateChecks=true \
  || fail "Maven/Jib build of the image failed"
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$REPO/pom.xml" | head -1)
IMAGE=$REPO/scaler-daemon/target/sipmediadeploy-scaler-$VERSION-image.tar
[[ -s $IMAGE ]] || fail "Jib wrote no $IMAGE"
step "image: $IMAGE ($(du -h "$IMAGE" | cut -f1)); docker load -i $IMAGE"
