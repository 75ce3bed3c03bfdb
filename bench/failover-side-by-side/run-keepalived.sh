#!/bin/bash
# keepalived half of the failover side-by-side benchmark. See README.md.
# Usage: bench/failover-side-by-side/run-keepalived.sh [--runs N] [--settings default fastest]
#        [--faults kill-kamailio freeze-kamailio node-lost link-cut]
# Needs root (network namespaces), kamailio, keepalived, sipsak, iproute2, /usr/bin/python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
child=""
cleanup() {
    # Whatever happened (error, Ctrl-C, SIGTERM): kill what runs in our sbs-* namespaces and delete them.
    /usr/bin/python3 "$here/keepalived_bench.py" --cleanup-only || true
}
forward() {
    # Let the orchestrator clean up first (it stops its processes by PID), then exit.
    if [ -n "$child" ]; then kill "-$1" "$child" 2>/dev/null || true; wait "$child" || true; fi
    exit "$2"
}
trap cleanup EXIT
trap 'forward INT 130' INT
trap 'forward TERM 143' TERM
for tool in ip kamailio keepalived sipsak timeout git; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
/usr/bin/python3 "$here/keepalived_bench.py" "$@" &
child=$!
wait "$child"
