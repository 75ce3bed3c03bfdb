#!/usr/bin/env bash
# make-upstream-stub.sh DIR [TAG] : a git repository standing in for upstream SIPMediaGW's checkout (tag TAG,
# default 1.8.5) for the chroot tests, which must not reach GitHub. Its SIPMediaGW.sh and HTTPLauncher.py only
# say they are stand-ins: the chroot tests check what the role installs around them, not upstream itself.
set -euo pipefail
dir=$1 tag=${2:-1.8.5}
rm -rf "$dir"
mkdir -p "$dir"
printf '#!/bin/sh\necho "stand-in for upstream SIPMediaGW.sh $*" >&2\nexit 1\n' > "$dir/SIPMediaGW.sh"
printf '# stand-in for upstream HTTPLauncher.py\n' > "$dir/HTTPLauncher.py"
chmod 0755 "$dir/SIPMediaGW.sh"
git -C "$dir" init -q
git -C "$dir" add -A
git -C "$dir" -c user.name=smd-test -c user.email=smd-test@invalid commit -q -m "stand-in for upstream SIPMediaGW"
git -C "$dir" tag "$tag"
