#!/usr/bin/env bash
# `shoal inventory check`: the example inventories resolve as documented (table
# and --json), selections narrow them, and a broken inventory exits 2 with
# FILE:LINE:COLUMN.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
examples=$SHOAL_SOURCE_DIR/inventory-examples

# Runs shoal, keeping stdout, stderr and the exit code apart.
run() {
  set +e
  "$SHOAL" "$@" >"$work/out" 2>"$work/err"
  status=$?
  set -e
}

expect_status() {
  [[ $status -eq $1 ]] || fail "'$2' exited $status, not $1; stderr: $(cat "$work/err")"
}

# The table: a header and one line per host, with the resolved fields.
run inventory check "$examples/lab.yaml"
expect_status 0 "check lab.yaml"
[[ $(wc -l <"$work/out") -eq 5 ]] || fail "lab.yaml table is not header + 4 hosts: $(cat "$work/out")"
head -1 "$work/out" | grep -Eq '^NAME +ADDRESS +PORT +USER +VIA +SITE +RACK +BANDWIDTH +GROUPS +TAGS$' ||
  fail "unexpected table header: $(head -1 "$work/out")"
grep -Eq '^nas +nas\.lab\.example +2222 +admin +- +lab +r1 +100 Mbit/s +storage +storage$' "$work/out" ||
  fail "nas row wrong: $(cat "$work/out")"

run inventory check -i "$examples/ci-fleet.yaml"
expect_status 0 "check -i ci-fleet.yaml"
[[ $(wc -l <"$work/out") -eq 129 ]] || fail "ci-fleet.yaml table is not header + 128 hosts"

# --json: exactly one object; bandwidth in bits per second.
run inventory check "$examples/ci-fleet.yaml" --json
expect_status 0 "check ci-fleet.yaml --json"
[[ $(jq -s length "$work/out") -eq 1 ]] || fail "--json printed more than one JSON value"
[[ $(jq '.hosts | length' "$work/out") -eq 128 ]] || fail "ci-fleet.yaml does not have 128 hosts"
[[ $(jq '[.hosts[] | {site, rack}] | unique | length' "$work/out") -eq 8 ]] ||
  fail "ci-fleet.yaml does not have 2 sites x 4 racks"
sample=$(jq -c '.hosts[] | select(.name == "fra-r2-05")' "$work/out")
expected='{"name":"fra-r2-05","address":"10.1.2.15","port":22,"user":"deploy","jump":[],"become":"none","transport":"libssh2","system":"","site":"fra","rack":"r2","bandwidth":10000000000,"groups":["fra","builders"],"tags":["builder","x86_64"]}'
[[ $sample == "$expected" ]] || fail "fra-r2-05 is $sample, expected $expected"

# Selections: globs unite, --group and --tag intersect with them.
run inventory check "$examples/ci-fleet.yaml" --json --hosts 'fra-r1-*,ams-r4-0[1-3]'
expect_status 0 "--hosts"
[[ $(jq '.hosts | length' "$work/out") -eq 19 ]] || fail "--hosts selected $(jq '.hosts | length' "$work/out") hosts, not 19"
run inventory check "$examples/ci-fleet.yaml" --json --group gpu
[[ $(jq '[.hosts[] | select(.bandwidth == 25000000000 and .rack == "r4" and .site == "ams")] | length' \
  "$work/out") -eq 16 ]] || fail "--group gpu did not select the 16 hosts of ams r4 at 25 Gbit/s"
run inventory check "$examples/ci-fleet.yaml" --json --group fra --tag builder --hosts '*-0[1-2]'
expect_status 0 "--group --tag --hosts"
[[ $(jq -c '[.hosts[].name] | length' "$work/out") -eq 8 ]] || fail "intersection is not 8 hosts: $(cat "$work/out")"

# An empty selection and an unknown group are usage errors that say why.
run inventory check "$examples/ci-fleet.yaml" --group gpu --hosts 'fra-*'
expect_status 2 "empty selection"
grep -q "matches all of: hosts fra-\*; group gpu" "$work/err" || fail "empty selection: $(cat "$work/err")"
[[ ! -s $work/out ]] || fail "a failed check printed results"
run inventory check "$examples/ci-fleet.yaml" --group gpus
expect_status 2 "unknown group"
grep -q "unknown group 'gpus' in .*ci-fleet.yaml (did you mean 'gpu'?)" "$work/err" ||
  fail "unknown group: $(cat "$work/err")"

# Nothing set: the address is the host's name, the user the one running shoal, as with ssh.
printf 'hosts:\n  db-1:\n' >"$work/minimal.yaml"
run inventory check --json "$work/minimal.yaml"
expect_status 0 "check minimal.yaml"
[[ $(jq -c '.hosts[0] | [.address, .port, .user, .bandwidth]' "$work/out") == "[\"db-1\",22,\"$(id -un)\",1000000000]" ]] ||
  fail "built-in defaults wrong: $(cat "$work/out")"

# A broken inventory: exit 2, FILE:LINE:COLUMN and the key at fault.
cat >"$work/broken.yaml" <<'YAML'
hosts:
  web-[01:04]:
    address: 10.0.0.[1:4]
    prot: 2222
YAML
run inventory check "$work/broken.yaml"
expect_status 2 "check broken.yaml"
grep -qF "$work/broken.yaml:4:5: unknown key 'prot' (did you mean 'port'?)" "$work/err" ||
  fail "broken.yaml error: $(cat "$work/err")"
[[ ! -s $work/out ]] || fail "a broken inventory printed results"

run inventory check "$work/missing.yaml"
expect_status 2 "check a missing file"
grep -qF "$work/missing.yaml: cannot read inventory: No such file or directory" "$work/err" ||
  fail "missing file: $(cat "$work/err")"

run inventory check
expect_status 2 "check without a file"
run inventory frobnicate
expect_status 2 "unknown subcommand"

echo "inventory check: all assertions passed"
