#!/usr/bin/env bash
# Floating-IP move against the real Neutron through OpenStackCloud.move, Keystone token renewed during the run.
# Usage: bench/openstack/run-fip-move.sh [MOVES]   (default 100; needs a real OpenStack on 127.0.0.1:5000, see
# bench/openstack/README.md). Writes bench/results/neutron-fip-move.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/../.."
curl -sf -o /dev/null http://127.0.0.1:5000/v3 || { echo "OpenStack is not answering on 127.0.0.1:5000" >&2; exit 1; }
mvn -q ${MVN_ARGS:-} -pl scaler-openstack test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/openstack-bench.classpath
CP="scaler-openstack/target/classes:scaler-openstack/target/test-classes:$(cat scaler-openstack/target/openstack-bench.classpath)"
COMMIT="$(git rev-parse --short HEAD)"
exec java -Xmx512m -Dlogback.configurationFile=bench/openstack/logback-bench.xml \
    -cp "$CP" org.sipmediadeploy.openstack.NeutronFipMoveBenchmark bench/results "$COMMIT" "${1:-100}"
