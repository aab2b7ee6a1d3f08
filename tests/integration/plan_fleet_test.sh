#!/usr/bin/env bash
# `shoal plan` with a real diff on a namespace fleet: it asks every host what
# it lacks, plans exactly that (hosts that lack nothing are left out), and
# its per-host figures are what `shoal push --direct` then moves.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3
cd "$TEST_TMP"
nix_build_test_closure result
closure=$(nix-store -qR result)
read -ra address <<<"$FLEET_ADDRESSES"

# h2 already has the lib path, h3 the whole closure.
NIX_SSHOPTS="$FLEET_SSH_OPTIONS" in_deployer nix-copy-closure --to "root@${address[1]}" \
  "$(grep -- '-shoal-test-lib$' <<<"$closure")"
NIX_SSHOPTS="$FLEET_SSH_OPTIONS" in_deployer nix-copy-closure --to "root@${address[2]}" result

in_deployer "$SHOAL" plan -i "$FLEET_INVENTORY" --json result >plan.json ||
  fail "shoal plan failed"
jq -e '[.hosts[].name] | sort == ["'"$FLEET_NAME"'-h1", "'"$FLEET_NAME"'-h2"]' plan.json >/dev/null ||
  fail "the plan should hold h1 and h2 only: $(jq -c '[.hosts[].name]' plan.json)"
jq -e '[.hosts[] | select(.wave >= 1 and (.parents | length) >= 1)] | length == 2' plan.json >/dev/null ||
  fail "every planned host needs a wave and a parent"

in_deployer "$SHOAL" push --direct -i "$FLEET_INVENTORY" --json result >push.json ||
  fail "shoal push --direct failed"
for n in 1 2; do
  host=$FLEET_NAME-h$n
  planned=$(jq ".hosts[] | select(.name == \"$host\") | [.missing_paths, .missing_bytes]" plan.json | jq -c .)
  moved=$(jq -s -c "[.[] | select(.event == \"path-copied\" and .host == \"$host\")] | [length, (map(.bytes) | add)]" push.json)
  [[ $planned == "$moved" ]] || fail "$host: planned $planned (paths, bytes) but the push moved $moved"
done
[[ -z $(jq -c "select(.event == \"path-copied\" and .host == \"$FLEET_NAME-h3\")" push.json) ]] ||
  fail "h3 lacked nothing, yet the push copied to it"

# A host that cannot be asked is left out and named; the plan still comes, exit 1.
cat >broken.yaml <<EOT
defaults: {user: root, identity: $FLEET_IDENTITY, known_hosts: $FLEET_KNOWN_HOSTS}
hosts:
  good: {address: ${address[0]}}
  ghost: {address: ${FLEET_SUBNET%.0/24}.250}
EOT
set +e
in_deployer "$SHOAL" plan -i broken.yaml --connect-timeout 2 --json result >broken.json 2>broken.txt
rc=$?
set -e
((rc == 1)) || fail "a plan with an unreachable host exited $rc"
grep -q "ghost: left out of the plan" broken.txt || fail "the unreachable host is not named: $(cat broken.txt)"
jq -e '.hosts | length == 0' broken.json >/dev/null || fail "good lacks nothing and should not be planned"
echo "plan_fleet_test: ok"
