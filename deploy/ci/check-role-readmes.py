#!/usr/bin/python3
"""Checks that each role's README.md variable table lists exactly the variables of
defaults/main.yml (geerlingguy style: every default documented, nothing stale).

Usage: deploy/ci/check-role-readmes.py [ROLES_DIR]   (default deploy/ansible/roles)
"""
import os
import re
import sys

import yaml

roles_dir = sys.argv[1] if len(sys.argv) > 1 else "deploy/ansible/roles"
row = re.compile(r"^\|\s*`([a-z0-9_]+)`\s*\|")
failures = 0
for role in sorted(os.listdir(roles_dir)):
    defaults_path = os.path.join(roles_dir, role, "defaults", "main.yml")
    readme_path = os.path.join(roles_dir, role, "README.md")
    if not os.path.isfile(defaults_path):
        continue
    with open(defaults_path, encoding="utf-8") as handle:
        defaults = set((yaml.safe_load(handle) or {}).keys())
    if not os.path.isfile(readme_path):
        print(f"FAIL {role}: no README.md")
        failures += 1
        continue
    with open(readme_path, encoding="utf-8") as handle:
        documented = {m.group(1) for m in map(row.match, handle) if m}
    missing = sorted(defaults - documented)
    stale = sorted(v for v in documented - defaults if v.startswith(role + "_"))
    unprefixed = sorted(v for v in defaults if not v.startswith(role + "_"))
    for label, names in (("undocumented", missing), ("documented but not in defaults", stale),
                         ("not prefixed with the role name", unprefixed)):
        if names:
            print(f"FAIL {role}: {label}: {', '.join(names)}")
            failures += 1
    if not (missing or stale or unprefixed):
        print(f"ok   {role}: {len(defaults)} variables documented")
sys.exit(1 if failures else 0)
