#!/usr/bin/env bash
# Static checks of the deploy kit (deploy/ansible, packer/, terraform/), offline
# except for `packer validate`, which logs in to Keystone (the local one by default).
#
#   deploy/ci/check.sh            # from the repo root (or anywhere)
#
# Steps: shellcheck, yamllint, role README tables vs defaults, ansible-lint (production profile), the order of a
# rolling change (rolling-test.sh, stand-in scaler and roles), the gateway host's files and status adapter
# (gateway-host-test.sh), ansible-playbook --syntax-check of every playbook,
# promtool check/test of the alerting rules and the example prometheus.yml, the dashboard's queries, packer fmt -check + validate of every template,
# terraform fmt -check, init/validate/test of every provider-free module,
# cloud-init schema of every rendered cloud-init document, and scalerctl config
# check (the daemon's validator, from scaler-daemon's build) of scaler.conf as
# rendered by Terraform and by the scaler role, a validate + plan of the root
# module with provider-free stubs in place of the openstack resources, and that
# the built .deb holds no sandbox-cloud class (deploy/ci/deb-contents.sh).
# Every step runs; the script exits 1 when any failed. Logs: $SMD_CHECK_LOGS
# (default: a temporary directory, printed at the end).
#
# Env (Keystone for packer validate; defaults = the local test control plane):
#   SMD_OS_AUTH_URL (http://127.0.0.1:5000/v3) SMD_OS_USERNAME (admin)
#   SMD_OS_PASSWORD (s3cret) SMD_OS_PROJECT (admin) SMD_OS_DOMAIN (Default)
# scalerctl: SMD_SCALERCTL, or scalerctl on PATH, or scaler-daemon/target (built);
#   SMD_SKIP_SCALERCTL=1 skips that check knowingly (reported as SKIP).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 2
LOGS=${SMD_CHECK_LOGS:-$(mktemp -d /tmp/smd-check.XXXXXX)}
mkdir -p "$LOGS"
WORK=$(mktemp -d /tmp/smd-check-work.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
# An empty Terraform CLI config: no warning about a missing ~/.terraformrc, no plugin cache surprises.
: > "$WORK/terraformrc"
export TF_CLI_CONFIG_FILE=$WORK/terraformrc
export ANSIBLE_CONFIG=$REPO/deploy/ansible/ansible.cfg ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 ANSIBLE_LOCAL_TEMP=$WORK/ansible-tmp
TERRAFORM=${TERRAFORM:-$(command -v terraform || echo /usr/local/bin/terraform)}

OS_URL=${SMD_OS_AUTH_URL:-http://127.0.0.1:5000/v3}
OS_USER=${SMD_OS_USERNAME:-admin}
OS_PASS=${SMD_OS_PASSWORD:-s3cret}
OS_PROJECT=${SMD_OS_PROJECT:-admin}
OS_DOMAIN=${SMD_OS_DOMAIN:-Default}

START=$(date +%s)
RESULTS=()
FAILED=0

# run NAME CMD... : runs CMD with its output in $LOGS/NAME.log, records PASS/FAIL and time.
run() {
  local name=$1 t0 rc log
  shift
  log="$LOGS/${name//[^A-Za-z0-9_.-]/_}.log"
  t0=$(date +%s%N)
  "$@" > "$log" 2>&1
  rc=$?
  local tenths dt
  tenths=$((($(date +%s%N) - t0) / 100000000))
  dt="$((tenths / 10)).$((tenths % 10))"
  if [[ $rc -eq 0 ]]; then
    printf 'PASS  %6ss  %s\n' "$dt" "$name"
    RESULTS+=("PASS|$dt|$name")
  else
    printf 'FAIL  %6ss  %s  (exit %s, log %s)\n' "$dt" "$name" "$rc" "$log"
    sed 's/^/      | /' "$log" | tail -25
    RESULTS+=("FAIL|$dt|$name")
    FAILED=$((FAILED + 1))
  fi
  return 0
}

need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" > /dev/null || missing+=("$tool"); done
  [[ ${#missing[@]} -eq 0 ]] || { echo "missing tools: ${missing[*]}" >&2; exit 2; }
}
need shellcheck yamllint ansible-lint ansible-playbook packer cloud-init promtool /usr/bin/python3
[[ -x $TERRAFORM ]] || { echo "missing tool: terraform" >&2; exit 2; }

echo "== deploy kit checks ($REPO), logs in $LOGS"

# --- shell ----------------------------------------------------------------
run "shellcheck deploy/ci deploy/container deploy/tls" shellcheck deploy/ci/*.sh deploy/container/*.sh deploy/tls/*.sh

# --- Ansible --------------------------------------------------------------
run "yamllint deploy" yamllint -s -c deploy/.yamllint.yml deploy
run "role READMEs document every default" /usr/bin/python3 deploy/ci/check-role-readmes.py deploy/ansible/roles
run "ansible-lint (production)" bash -c 'cd deploy/ansible && ansible-lint --offline -p --profile production'
run "rolling order of rolling.yml (deploy/ci/rolling-test.sh)" deploy/ci/rolling-test.sh
run "gateway host: rendered files and the status adapter vs upstream's launcher answers (deploy/ci/gateway-host-test.sh)" \
  deploy/ci/gateway-host-test.sh
for pb in deploy/ansible/*.yml; do
  [[ $(basename "$pb") == requirements.yml ]] && continue
  run "syntax-check $(basename "$pb")" ansible-playbook --syntax-check \
    -i deploy/ansible/inventories/example/hosts.yml -e ansible_python_interpreter=/usr/bin/python3 "$pb"
done

# --- Observability ----------------------------------------------------------
OBS=deploy/observability
run "promtool check rules $OBS/prometheus/alerts.yml" promtool check rules "$OBS/prometheus/alerts.yml"
run "promtool test rules (each alert fires on its series, a healthy cluster raises none)" \
  promtool test rules "$OBS/prometheus/alerts.test.yml"
prom_config() { # the example prometheus.yml with its token file pointed at an empty scratch file
  mkdir -p "$WORK/prom" && : > "$WORK/prom/token" && cp "$OBS/prometheus/alerts.yml" "$WORK/prom/"
  sed "s|/etc/prometheus/sipmediadeploy-admin.token|$WORK/prom/token|" "$OBS/prometheus/prometheus.yml" > "$WORK/prom/prometheus.yml"
  promtool check config "$WORK/prom/prometheus.yml"
}
run "promtool check config $OBS/prometheus/prometheus.yml" prom_config
run "alerts and dashboard use only the daemon's series; dashboard PromQL valid" \
  /usr/bin/python3 deploy/ci/check-observability.py "$REPO"

# --- Packer ---------------------------------------------------------------
for dir in packer/*/; do
  dir=${dir%/}
  run "packer fmt -check $dir" packer fmt -check "$dir"
done
packer_validate() { # packer_validate DIR
  local extra=()
  [[ $1 == packer/scaler ]] && extra=(-var "scaler_deb_path=$WORK/sipmediadeploy-scaler.deb")
  PKR_VAR_os_password=$OS_PASS packer validate \
    -var "os_auth_url=$OS_URL" -var "os_username=$OS_USER" -var "os_project_name=$OS_PROJECT" \
    -var "os_domain_name=$OS_DOMAIN" "${extra[@]}" "$1"
}
for dir in packer/*/; do
  dir=${dir%/}
  [[ $dir == packer/common || $dir == packer/plugins ]] && continue   # plugins: for packer init (>= 1.7) only
  run "packer validate $dir (Keystone $OS_URL)" packer_validate "$dir"
done

# --- Terraform ------------------------------------------------------------
run "terraform fmt -check -recursive terraform" "$TERRAFORM" fmt -check -recursive -diff terraform

# Provider-free modules: no required_providers anywhere in them. They pass
# init/validate/test offline; the others need the openstack provider (not
# downloadable here) and get fmt only.
tf_offline() { # tf_offline DIR : init + validate (+ test when DIR/tests exists)
  local dir=$1 data
  data="$WORK/tf-data/${dir//\//_}"
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" init -backend=false -input=false -no-color || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" validate -no-color || return 1
  if [[ -d $dir/tests ]]; then
    TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" test -no-color || return 1
  fi
}
for dir in terraform/modules/*/ terraform/tests/*/; do
  dir=${dir%/}
  compgen -G "$dir/*.tf" > /dev/null || continue   # tests/wiring: stubs only, run below
  if grep -rqs 'required_providers' "$dir"/*.tf; then
    echo "info  terraform $dir uses a provider: fmt only (no offline init/validate)"
    continue
  fi
  run "terraform init/validate/test $dir" tf_offline "$dir"
done

# --- Rendered documents -----------------------------------------------------
render() { # apply the render fixture (outputs only) and write every document to $WORK/rendered
  local dir=terraform/tests/render data=$WORK/tf-data/render-apply
  mkdir -p "$WORK/rendered"
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" init -backend=false -input=false > /dev/null || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" apply -auto-approve -input=false -no-color \
    -state="$WORK/render.tfstate" > /dev/null || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" output -state="$WORK/render.tfstate" -json documents > "$WORK/documents.json" || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" output -state="$WORK/render.tfstate" -json scaler_conf > "$WORK/scaler_conf.json" || return 1
  /usr/bin/python3 - "$WORK" <<'EOF'
import json, os, sys
work = sys.argv[1]
out = os.path.join(work, "rendered")
for name, text in json.load(open(os.path.join(work, "documents.json"))).items():
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text)
    print("rendered", name)
for node, text in json.load(open(os.path.join(work, "scaler_conf.json"))).items():
    with open(os.path.join(out, node + ".scaler.conf"), "w", encoding="utf-8") as f:
        f.write(text)
    print("rendered", node + ".scaler.conf")
EOF
}
run "render cloud-init documents (terraform/tests/render)" render
schema_all() {
  local n=0 f
  for f in "$WORK"/rendered/*.cloud-init.yaml; do
    [[ -e $f ]] || { echo "no rendered document"; return 1; }
    cloud-init schema --config-file "$f" || return 1
    n=$((n + 1))
  done
  echo "$n documents valid"
}
run "cloud-init schema (every rendered document)" schema_all

# --- Root module wiring (provider-free stubs) ------------------------------
wiring() {
  local root=$WORK/tf-wiring m data=$WORK/tf-data/wiring
  rm -rf "$root"
  cp -r terraform "$root"
  rm -rf "$root/examples" "$root/tests"
  for m in network service_pair scaler_cluster; do
    rm -f "$root/modules/$m/main.tf" "$root/modules/$m/outputs.tf" "$root/modules/$m/versions.tf"
    cp "terraform/tests/wiring/stubs/$m/main.tf" "$root/modules/$m/main.tf"
  done
  printf 'terraform {\n  required_version = ">= 1.9.0"\n}\n' > "$root/versions.tf"
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$root" init -backend=false -input=false -no-color > /dev/null || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$root" validate -no-color || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$root" plan -input=false -no-color -lock=false \
    -var-file="$REPO/terraform/tests/wiring/wiring.tfvars" -state="$WORK/wiring.tfstate"
}
run "terraform root module wiring (validate + plan with provider-free stubs)" wiring

# --- The daemon's own validator on both renderings of scaler.conf -----------
# scalerctl: $SMD_SCALERCTL, else scalerctl on PATH, else the classes built from
# scaler-daemon (mvn -pl scaler-daemon -am package -DskipTests).
SCALERCTL=${SMD_SCALERCTL:-$(command -v scalerctl || true)}
if [[ -z $SCALERCTL && -d scaler-daemon/target/classes && -d scaler-daemon/target/lib ]] && command -v java > /dev/null; then
  SCALERCTL=$WORK/scalerctl
  printf '#!/bin/sh\nexec java -cp "%s/scaler-daemon/target/classes:%s/scaler-daemon/target/lib/*" org.sipmediadeploy.daemon.cli.ScalerCtl "$@"\n' \
    "$REPO" "$REPO" > "$SCALERCTL"
  chmod 0755 "$SCALERCTL"
fi
ctl_terraform() { # render with config_dir in $WORK, lay out each node's write_files, check each node
  local dir=terraform/tests/render data=$WORK/tf-data/render-ctl out=$WORK/ctl-tf
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" init -backend=false -input=false > /dev/null || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" apply -auto-approve -input=false -no-color \
    -state="$WORK/render-ctl.tfstate" -var "config_dir=$out/etc" > /dev/null || return 1
  TF_DATA_DIR=$data "$TERRAFORM" -chdir="$dir" output -state="$WORK/render-ctl.tfstate" -json documents \
    > "$WORK/documents-ctl.json" || return 1
  /usr/bin/python3 - "$WORK/documents-ctl.json" "$out" "$SCALERCTL" <<'EOF'
import json, os, subprocess, sys
import yaml
docs, out, ctl = sys.argv[1], sys.argv[2], sys.argv[3]
failed = 0
for name, text in sorted(json.load(open(docs)).items()):
    if "-scaler-" not in name:
        continue
    doc = yaml.safe_load(text)
    for f in doc["write_files"]:          # what cloud-init's write_files does
        os.makedirs(os.path.dirname(f["path"]), exist_ok=True)
        with open(f["path"], "w", encoding="utf-8") as handle:
            handle.write(f["content"])
        os.chmod(f["path"], int(f["permissions"], 8))
    rc = subprocess.run([ctl, "config", "check", out + "/etc/scaler.conf"], check=False).returncode
    print(name, "->", "ok" if rc == 0 else "exit %d" % rc)
    failed += rc != 0
    # The spare schedule's time zone, set in the Terraform variables of tests/render, reached scaler.conf.
    if 'time-zone = "Europe/Paris"' not in open(out + "/etc/scaler.conf", encoding="utf-8").read():
        print(name, "-> scaler.conf lacks the spare schedule's time zone Europe/Paris")
        failed += 1
sys.exit(1 if failed else 0)
EOF
}
ctl_ansible() {
  ANSIBLE_ROLES_PATH=$REPO/deploy/ansible/roles ansible-playbook -i localhost, deploy/ci/render-scaler-conf.yml \
    -e "smd_out=$WORK/ctl-ansible" -e "smd_scalerctl=$SCALERCTL"
}
if [[ -n $SCALERCTL ]]; then
  run "scalerctl config check: scaler.conf + files rendered by terraform/modules/scaler_config" ctl_terraform
  run "scalerctl config check: scaler.conf + files rendered by the scaler role" ctl_ansible
elif [[ ${SMD_SKIP_SCALERCTL:-0} == 1 ]]; then
  echo "SKIP  scalerctl config check (SMD_SKIP_SCALERCTL=1): the rendered scaler.conf is NOT checked by the daemon"
else
  no_scalerctl() {
    echo "no scalerctl: build scaler-daemon (mvn -q -pl scaler-daemon -am package -DskipTests), set SMD_SCALERCTL,"
    echo "or set SMD_SKIP_SCALERCTL=1 to skip this check knowingly"
    return 1
  }
  run "scalerctl config check (validator not found)" no_scalerctl
fi

# --- The package ships no sandbox-cloud class (the demo and the sandbox stay out of it) ---
deb_contents() { deploy/ci/deb-contents.sh; }
run "scaler .deb: no org/sipmediadeploy/sandbox class" deb_contents

# --- Summary --------------------------------------------------------------
TOTAL=$(($(date +%s) - START))
echo
echo "== summary: ${#RESULTS[@]} steps, $FAILED failed, ${TOTAL}s (logs: $LOGS)"
if [[ $FAILED -gt 0 ]]; then
  for r in "${RESULTS[@]}"; do [[ $r == FAIL* ]] && echo "   ${r//|/  }"; done
  exit 1
fi
echo "ALL PASSED"
