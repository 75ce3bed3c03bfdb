#!/usr/bin/env bash
# Replays the shipped traces through `scalerctl simulate` and writes bench/results/trace-replay.{json,md}.
# Usage (from anywhere): bench/trace-replay/run.sh        (about 5-8 minutes on 2 loaded cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${TRACE_REPLAY_OUT:-bench/results}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f scaler-daemon/target/lib/.built ] || [ -n "$(find scaler-*/src/main -newer scaler-daemon/target/lib/.built -print -quit)" ]; then
  mvn -q -o -DskipTests -pl scaler-daemon -am package ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} >&2
  touch scaler-daemon/target/lib/.built
fi
cp="scaler-daemon/target/classes:scaler-daemon/target/lib/*"
for t in traces/production-day.csv traces/production-week.csv.gz traces/burst.csv; do
  n=$(basename "$t")
  echo "replaying $t ..." >&2
  java -cp "$cp" org.sipmediadeploy.daemon.cli.ScalerCtl simulate --trace "$t" --boot-delay PT120S --json \
    --csv "$work/$n.timeline.csv" 2>/dev/null > "$work/$n.json"
done
python3 bench/trace-replay/report.py "$work" "$out"
