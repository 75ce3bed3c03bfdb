#!/usr/bin/env bash
# OpenStack adapter benchmark: latency of each Cloud operation against the real OpenStack control plane.
# Usage: bench/openstack/run.sh [quick]   (from anywhere; needs the real OpenStack control plane answering, as
# tools/test.sh starts it: Keystone on http://127.0.0.1:5000/v3 with admin / s3cret)
set -euo pipefail
cd "$(dirname "$0")/../.."
curl -sf -o /dev/null http://127.0.0.1:5000/v3 || { echo "OpenStack is not answering on 127.0.0.1:5000" >&2; exit 1; }
mvn -q -pl scaler-openstack test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/openstack-bench.classpath
CP="scaler-openstack/target/classes:scaler-openstack/target/test-classes:$(cat scaler-openstack/target/openstack-bench.classpath)"
COMMIT="$(git rev-parse --short HEAD)"
exec java -Xmx512m -Dlogback.configurationFile=bench/openstack/logback-bench.xml \
    -cp "$CP" org.sipmediadeploy.openstack.OpenStackBenchmark bench/results "$COMMIT" "${1:-full}"
