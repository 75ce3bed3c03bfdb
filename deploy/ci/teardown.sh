#!/usr/bin/env bash
# Shared by chroot-test.sh and image-test.sh (sourced): stop the process groups a test started in its chroot,
# unmount what it mounted (innermost first), and remove its work directory unless a mount is left or $1 = 1 (keep).
# Reads the caller's arrays GROUPS_TO_STOP and MOUNTS and its WORK directory.
teardown_work() {
  local keep=$1 pg i
  for pg in "${GROUPS_TO_STOP[@]}"; do kill -TERM -- "-$pg" 2> /dev/null; done
  for pg in "${GROUPS_TO_STOP[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pg" 2> /dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pg" 2> /dev/null
  done
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2> /dev/null || umount -l "${MOUNTS[i]}"
  done
  if grep -q " $WORK/" /proc/mounts; then
    echo "WARNING: mounts left under $WORK; not removing it" >&2
  elif [[ $keep == 1 ]]; then
    echo "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
