#!/usr/bin/env bash
# The order of a rolling change (deploy/ansible/rolling.yml), against a stand-in scaler and stand-in roles that
# record what ran (deploy/ci/rolling-stubs): no root, no machine, a few seconds per case.
#   1. pairs: the standby, then `scalerctl failover PAIR`, then the old active (which member is active comes from
#      the scaler, not the inventory order); scaler nodes: the followers, the leader last;
#   2. a standby that the scaler does not probe UP after its converge stops the rollout: no failover, the active
#      untouched;
#   3. a scaler node that is not back in the cluster after its converge stops the rollout before the next node;
#   4. a pair member the inventory does not know (the scaler replaced it) stops the rollout before anything runs.
#
#   deploy/ci/rolling-test.sh
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STUBS=$REPO/deploy/ci/rolling-stubs
WORK=$(mktemp -d /tmp/smd-rolling.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# The playbook and what it reads, next to the stub roles (a playbook's own roles/ directory wins over roles_path).
mkdir -p "$WORK/pb"
cp -r "$REPO/deploy/ansible/rolling.yml" "$REPO/deploy/ansible/tasks" "$REPO/deploy/ansible/templates" \
  "$REPO/deploy/ansible/vars" "$REPO/deploy/ansible/ansible.cfg" "$WORK/pb/"
cp -r "$STUBS/roles" "$WORK/pb/roles"

for n in scaler-1 scaler-2 scaler-3; do echo "node-id=$n" > "$WORK/$n.conf"; done
cat > "$WORK/hosts.yml" << INVENTORY
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: /usr/bin/python3
    ansible_become: false
    rolling_scalerctl: $STUBS/scalerctl
    rolling_test_events: $WORK/events
    rolling_gate_retries: 2
    rolling_gate_delay: 0
  children:
    kamailio: {hosts: {kamailio-a: {}, kamailio-b: {}}}
    coturn: {hosts: {coturn-a: {}, coturn-b: {}}}
    scaler:
      hosts:
        scaler-1: {rolling_scaler_config: $WORK/scaler-1.conf}
        scaler-2: {rolling_scaler_config: $WORK/scaler-2.conf}
        scaler-3: {rolling_scaler_config: $WORK/scaler-3.conf}
INVENTORY

CASE=0
# run_case NAME WANT(0|fail) STATE_JSON EXPECTED_EVENTS ; leaves the log in $WORK/case-N.log
# (ANSIBLE_GATHERING=explicit: the stand-in roles need no facts, and gathering them for 7 hosts per case is slow)
run_case() {
  local name=$1 want=$2 rc=0
  CASE=$((CASE + 1))
  LOG=$WORK/case-$CASE.log
  printf '%s\n' "$3" > "$WORK/state.json"
  : > "$WORK/events"
  SMD_ROLLING_STATE=$WORK/state.json SMD_ROLLING_EVENTS=$WORK/events ANSIBLE_CONFIG=$WORK/pb/ansible.cfg \
    ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_GATHERING=explicit \
    ansible-playbook -i "$WORK/hosts.yml" "$WORK/pb/rolling.yml" > "$LOG" 2>&1 || rc=$?
  if [[ $want == 0 && $rc != 0 ]] || [[ $want != 0 && $rc == 0 ]]; then
    tail -30 "$LOG"
    fail "$name: ansible-playbook exited $rc, want $([[ $want == 0 ]] && echo 0 || echo 'non-zero')"
  fi
  if [[ $(cat "$WORK/events") != "$4" ]]; then
    echo "--- want"; echo "$4"; echo "--- got"; cat "$WORK/events"
    grep -E 'fatal|FAILED|msg' "$LOG" | head -10
    fail "$name: wrong order"
  fi
  echo "ok  $name (exit $rc, $(wc -l < "$WORK/events") steps)"
}

run_case "standby first, scaler-driven failover, then the old active; scaler leader last" 0 \
  '{"leader": "scaler-2", "nodes": ["scaler-1", "scaler-2", "scaler-3"],
    "pairs": {"kamailio": {"active": "kamailio-a", "standby": "kamailio-b"},
              "coturn": {"active": "coturn-b", "standby": "coturn-a"}}}' \
  "converge kamailio-b
verify kamailio-b
failover kamailio (on scaler-2)
converge kamailio-a
verify kamailio-a
converge coturn-a
verify coturn-a
failover coturn (on scaler-2)
converge coturn-b
verify coturn-b
converge scaler-1
verify scaler-1
converge scaler-3
verify scaler-3
converge scaler-2
verify scaler-2"

run_case "a standby not probed UP after its converge stops the rollout before the failover" fail \
  '{"leader": "scaler-1", "nodes": ["scaler-1", "scaler-2", "scaler-3"], "down": ["kamailio-b"],
    "pairs": {"kamailio": {"active": "kamailio-a", "standby": "kamailio-b"},
              "coturn": {"active": "coturn-a", "standby": "coturn-b"}}}' \
  "converge kamailio-b
verify kamailio-b"

run_case "a scaler node not back in the cluster stops the rollout before the next node" fail \
  '{"leader": "scaler-3", "nodes": ["scaler-1", "scaler-2", "scaler-3"], "out_after_converge": ["scaler-1"],
    "pairs": {"kamailio": {"active": "kamailio-b", "standby": "kamailio-a"},
              "coturn": {"active": "coturn-a", "standby": "coturn-b"}}}' \
  "converge kamailio-a
verify kamailio-a
failover kamailio (on scaler-3)
converge kamailio-b
verify kamailio-b
converge coturn-b
verify coturn-b
failover coturn (on scaler-3)
converge coturn-a
verify coturn-a
converge scaler-1
verify scaler-1"
# Messages may be wrapped over lines by the callback: search them joined.
joined() { tr '\n' ' ' < "$LOG" | tr -s ' '; }
joined | grep -q 'scaler-1 is not back in the scaler cluster' || fail "the node that did not come back is not named"
echo "ok  the error names the node that did not come back"

run_case "a pair member missing from the inventory stops the rollout before anything runs" fail \
  '{"leader": "scaler-1", "nodes": ["scaler-1", "scaler-2", "scaler-3"],
    "pairs": {"kamailio": {"active": "kamailio-c", "standby": "kamailio-b"},
              "coturn": {"active": "coturn-a", "standby": "coturn-b"}}}' \
  ""
joined | grep -q 'member kamailio-c is in no inventory host' || fail "the missing member is not named in the error"
echo "ok  the error names the member the inventory lacks"
echo "PASS (rolling-test)"
