#!/bin/bash
# Failover side by side: the scaler and keepalived, the same client, the same four faults, one run.
# See README.md. Needs root (keepalived's network namespaces), Java 17 + Maven, kamailio, coturn, keepalived,
# sipsak, iproute2, /usr/bin/python3.
#
#   sudo bench/failover-side-by-side/run.sh              30 runs per cell -> bench/results/failover-side-by-side.{json,md}
#   sudo bench/failover-side-by-side/run.sh --ci         5 runs per cell -> bench/failover-side-by-side/out/ci/;
#                                                        exits 1 if the scaler's killed-Kamailio p99 is above 2 s
# Options: --runs N, --faults "kill-kamailio freeze-kamailio node-lost link-cut", --out-dir DIR, --seed N,
#          --cleanup-only (stop what an interrupted run left behind, then exit).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runs=""
ci=0
faults="kill-kamailio freeze-kamailio node-lost link-cut"
out="$here/out"
seed=11
cleanup_only=0
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) [ $# -ge 2 ] || usage; runs="$2"; shift 2 ;;
        --ci) ci=1; shift ;;
        --faults) [ $# -ge 2 ] || usage; faults="$2"; shift 2 ;;
        --out-dir) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
        --seed) [ $# -ge 2 ] || usage; seed="$2"; shift 2 ;;
        --cleanup-only) cleanup_only=1; shift ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown option '$1'" >&2; usage ;;
    esac
done
if [ -z "$runs" ]; then runs=$([ "$ci" = 1 ] && echo 5 || echo 30); fi
case "$runs" in ''|*[!0-9]*) echo "run.sh: --runs needs a number, got '$runs'" >&2; exit 2 ;; esac
if [ "$runs" -lt 1 ] || [ "$runs" -gt 200 ]; then echo "run.sh: --runs must be in [1, 200], got $runs" >&2; exit 2; fi
for f in $faults; do
    case "$f" in kill-kamailio|freeze-kamailio|node-lost|link-cut) ;; *) echo "run.sh: unknown fault '$f'" >&2; exit 2 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces for the keepalived half)" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
sdir="$out/scaler"
kdir="$out/keepalived"

child=""
cleanup() {
    # Whatever happened (error, Ctrl-C, SIGTERM): stop by PID what either half left, delete the namespaces.
    /usr/bin/python3 "$here/side_by_side.py" cleanup --scaler-dir "$sdir" || true
    /usr/bin/python3 "$here/keepalived_bench.py" --cleanup-only || true
}
forward() {
    # The running half cleans up first (the scaler runner's shutdown hook stops its cluster, keepalived_bench
    # its namespaces), bounded; then the EXIT trap sweeps whatever is left.
    if [ -n "$child" ]; then
        kill "-$1" "$child" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    fi
    exit "$2"
}
trap cleanup EXIT
trap 'forward INT 130' INT
trap 'forward TERM 143' TERM
cleanup  # leftovers of an interrupted run
[ "$cleanup_only" = 1 ] && exit 0
for tool in ip kamailio turnserver keepalived sipsak timeout git java mvn; do
    command -v "$tool" >/dev/null || { echo "run.sh: missing tool: $tool" >&2; exit 1; }
done
t0=$(date +%s)
commit=$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- scaler-* bench/failover-side-by-side || echo "+dirty")

# ---- build the scaler half (incremental; the module classes, not ~/.m2's jars, so it runs this worktree)
echo "== building scaler-e2e test classes and the class path"
cd "$repo"
mvn_args=(-q -pl scaler-e2e -am test-compile dependency:build-classpath -Dmdep.includeScope=test
          -Dmdep.outputFile=target/sbs.cp)
mvn -o "${mvn_args[@]}" >"$out/build.log" 2>&1 || mvn "${mvn_args[@]}" >"$out/build.log" 2>&1 \
    || { tail -30 "$out/build.log"; echo "run.sh: build failed (log: $out/build.log)" >&2; exit 1; }
cp="$repo/scaler-e2e/target/test-classes:$(cat "$repo/scaler-e2e/target/sbs.cp")"

run_child() {
    "$@" &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    child=""
    return "$rc"
}

# ---- scaler half
echo "== scaler half: $runs runs x ($faults) on a 3-node cluster (loopback 127.75-79.x.y); log $sdir/runner.log"
rm -rf "$sdir"
mkdir -p "$sdir/tmp"
ts=$(date +%s)
run_child java -Xmx256m -XX:+UseSerialGC -Djava.io.tmpdir="$sdir/tmp" -cp "$cp" \
    org.sipmediadeploy.e2e.SideBySideScaler --runs "$runs" --faults "$(echo "$faults" | tr ' ' ',')" \
    --out-dir "$sdir" --client "$here/client/sip_options_client.py" --block 75 --blocks 5 --seed "$seed" \
    >"$sdir/runner.log" 2>&1 \
    || { grep -v '^{"@timestamp"' "$sdir/runner.log" | tail -30; echo "run.sh: scaler half failed (log: $sdir/runner.log)" >&2; exit 1; }
grep '^{"fault"' "$sdir/runner.log" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("  scaler %-16s run %2d: %s" % (r["fault"], r["run"], r.get("error") or "%.3f s (runner estimate)" % r["recovery_s_runner"]))'
echo "   scaler half: $(( $(date +%s) - ts )) s"

# ---- keepalived half
echo "== keepalived half: $runs runs x ($faults) x (default fastest); log $kdir/bench.log"
rm -rf "$kdir"
mkdir -p "$kdir"
if [ "$ci" = 1 ]; then
    kjson="$kdir/failover-side-by-side-keepalived.json"; kmd="$kdir/failover-side-by-side-keepalived.md"
else
    kjson="$repo/bench/results/failover-side-by-side-keepalived.json"; kmd="$repo/bench/results/failover-side-by-side-keepalived.md"
fi
ts=$(date +%s)
# shellcheck disable=SC2086
run_child /usr/bin/python3 "$here/keepalived_bench.py" --runs "$runs" --faults $faults --out-dir "$kdir" \
    --seed "$seed" --json-out "$kjson" --md-out "$kmd" >"$kdir/bench.log" 2>&1 \
    || { tail -30 "$kdir/bench.log"; echo "run.sh: keepalived half failed (log: $kdir/bench.log)" >&2; exit 1; }
echo "   keepalived half: $(( $(date +%s) - ts )) s"

# ---- combined results
if [ "$ci" = 1 ]; then
    json="$out/ci/failover-side-by-side.json"; md="$out/ci/failover-side-by-side.md"; mkdir -p "$out/ci"
    cmd="bench/failover-side-by-side/run.sh --ci"; check=(--check-kill-p99 2.0)
else
    json="$repo/bench/results/failover-side-by-side.json"; md="$repo/bench/results/failover-side-by-side.md"
    cmd="bench/failover-side-by-side/run.sh"; check=()
    if [ "$runs" != 30 ]; then cmd="$cmd --runs $runs"; fi
fi
/usr/bin/python3 "$here/side_by_side.py" report --scaler-runs "$sdir/runs.json" --keepalived-runs "$kdir/runs.json" \
    --json-out "$json" --md-out "$md" --command "$cmd" --wall "$(( $(date +%s) - t0 )) s wall for both halves" --commit "$commit" \
    "${check[@]}"
echo "== done in $(( $(date +%s) - t0 )) s"
