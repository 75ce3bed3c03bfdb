#!/usr/bin/env bash
# scaler-raft benchmark: takeover after SIGKILL of the leader (3 JVMs) and decision commit latency (3 in-JVM nodes).
# Usage: bench/raft/run.sh [--kills N] [--commits N]   (defaults: 30 kills, 1000 commits)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -pl scaler-raft test-compile
mvn -q -pl scaler-raft dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/raft-bench.cp  # relative to scaler-raft/
cp="scaler-raft/target/test-classes:scaler-raft/target/classes:$(cat scaler-raft/target/raft-bench.cp)"
exec java -cp "$cp" org.sipmediadeploy.raft.RaftBench --out "${RAFT_BENCH_OUT:-bench/results}" "$@"
