#!/usr/bin/env bash
# Sandbox benchmark: time from the floating-IP associate call to the first reply through the floating IP from
# the new server (real Kamailio over SIP/UDP, real Coturn over STUN/UDP), plus the sandbox start time.
# Usage: bench/sandbox/run.sh [moves]   (from anywhere; needs kamailio and coturn installed; about 1 minute)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -pl scaler-sandbox test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/sandbox-bench.classpath
CP="scaler-sandbox/target/classes:scaler-sandbox/target/test-classes:$(cat scaler-sandbox/target/sandbox-bench.classpath)"
COMMIT="$(git rev-parse --short HEAD)"
exec java -Xms256m -Xmx1g -Dlogback.configurationFile=bench/sandbox/logback-bench.xml \
    -cp "$CP" org.sipmediadeploy.sandbox.FloatingIpMoveBenchmark bench/results "$COMMIT" "${1:-50}"
