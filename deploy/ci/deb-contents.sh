#!/usr/bin/env bash
# Checks the scaler .deb ships no sandbox-cloud class: the sandbox (and the demo on it) is a development tool, kept
# out of the package and the image. Lists every file of the .deb and every entry of each jar in it.
#   deploy/ci/deb-contents.sh [scaler-daemon/target/sipmediadeploy-scaler_*_all.deb]
set -euo pipefail
deb=${1:-$(find scaler-daemon/target -maxdepth 1 -name 'sipmediadeploy-scaler_*_all.deb' | head -1)}
[[ -n $deb && -f $deb ]] || { echo "no .deb given or built (mvn -pl scaler-daemon -am package -DskipTests)"; exit 1; }
work=$(mktemp -d /tmp/smd-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work"
found=0
while IFS= read -r -d '' jar; do
  if unzip -Z1 "$jar" | grep -q '^org/sipmediadeploy/sandbox/'; then
    echo "FAIL  ${jar#"$work"} holds org/sipmediadeploy/sandbox classes"
    found=1
  fi
done < <(find "$work" -name '*.jar' -print0)
if find "$work" -path '*org/sipmediadeploy/sandbox/*' | grep -q .; then
  echo "FAIL  org/sipmediadeploy/sandbox files outside a jar"
  found=1
fi
jars=$(find "$work" -name '*.jar' | wc -l)
[[ $jars -gt 0 ]] || { echo "FAIL  no jar in $deb"; exit 1; }
[[ $found == 0 ]] && echo "ok  $(basename "$deb"): $jars jars, no org/sipmediadeploy/sandbox class"
exit "$found"
