#!/usr/bin/env bash
# Probe benchmark: latency against real Kamailio and Coturn, and targets per core at 2 Hz.
# Usage: bench/probes/run.sh [quick]   (from the repository root; needs kamailio, coturn, taskset)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -pl scaler-probes test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/probes-bench.classpath
CP="scaler-probes/target/classes:scaler-probes/target/test-classes:$(cat scaler-probes/target/probes-bench.classpath)"
COMMIT="$(git rev-parse --short HEAD)"
# The probing JVM gets core 0 only; the benchmark starts Kamailio and Coturn on core 1 (BENCH_SERVER_CORE).
exec taskset -c 0 java -XX:ActiveProcessorCount=1 -Xms256m -Xmx1g \
    -Dlogback.configurationFile=bench/probes/logback-bench.xml \
    -cp "$CP" org.sipmediadeploy.probes.ProbeBenchmark bench/results "$COMMIT" "${1:-full}"
