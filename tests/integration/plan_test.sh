#!/usr/bin/env bash
# `shoal plan --assume-empty`: on a synthetic fleet from scripts/gen-inventory the plan sends each
# byte from the deployer once, is shaped by labels only where `sites:` declares a slow uplink (then
# enters each such site once), gives every host earlier-wave parents and
# adds its link bytes up, in JSON, text, DOT and with --simulate; with store paths, the closure and
# its NAR sizes come from the real local Nix store; bad flags exit 2.
source "$(dirname "$0")/lib.sh"
: "${SHOAL:?}"

nix_test_setup
cd "$TEST_TMP"

run() {
  set +e
  "$SHOAL" "$@" >out 2>err
  status=$?
  set -e
}

"$SHOAL_SOURCE_DIR/scripts/gen-inventory" 300 3 4 10gbit >fleet.yaml
gib=1073741824

run plan -i fleet.yaml --assume-empty --closure-size 1GiB --closure-paths 50 --json
[[ $status -eq 0 ]] || fail "plan --json exited $status: $(cat err)"
[[ $(jq '.hosts | length' out) -eq 300 ]] || fail "the plan does not hold all 300 hosts"
[[ $(jq '.needed_bytes' out) -eq $gib ]] || fail "needed_bytes is not 1 GiB"
[[ $(jq '.source.egress_bytes' out) -eq $gib ]] || fail "the deployer sends more than the closure once"
[[ $(jq '.links | .deployer_egress + .cross_site + .cross_rack + .in_rack' out) -eq $((300 * gib)) ]] ||
  fail "link bytes do not add up to 300 copies"
[[ $(jq '[.hosts[] | select(.missing_paths != 50 or .missing_bytes != '$gib')] | length' out) -eq 0 ]] ||
  fail "with --assume-empty every host lacks the whole closure"
# Every parent is @source or a host of an earlier wave.
late=$(jq '(.hosts | map({key: .name, value: .wave}) | from_entries) as $wave
  | [.hosts[] | .wave as $w | .parents[] | select(. != "@source" and $wave[.] >= $w)] | length' out)
[[ $late -eq 0 ]] || fail "$late parents are not in an earlier wave"
# On equal links the labels do not shape the tree: it is the unlabelled fleet's, one root, about
# log_3(300) waves deep.
[[ $(jq -c '.separated_sites' out) == "[]" ]] || fail "no site declares an uplink, yet some are separated"
[[ $(jq '[.hosts[] | select(.parents == ["@source"])] | length' out) -eq 1 ]] ||
  fail "the deployer should feed one host"
[[ $(jq '.depth' out) -le 7 ]] || fail "the tree is $(jq '.depth' out) waves deep, not about log_3(300)"
[[ $(jq '.estimate.swarm_seconds < .estimate.direct_seconds / 10' out) == true ]] ||
  fail "the swarm estimate is not far below the direct push"

# Sites whose declared uplink is slower than their hosts together are each entered from outside
# (the deployer or another site) by one host.
cp fleet.yaml sites.yaml
printf 'sites:\n  s2: {uplink: 1gbit}\n  s3: {uplink: 1gbit}\n' >>sites.yaml
run plan -i sites.yaml --assume-empty --closure-size 1GiB --closure-paths 50 --json
[[ $status -eq 0 ]] || fail "plan with sites: exited $status: $(cat err)"
[[ $(jq -c '.separated_sites' out) == '["s2","s3"]' ]] || fail "separated: $(jq -c .separated_sites out)"
entries=$(jq -c '(.hosts | map({key: .name, value: .site}) | from_entries) as $site
  | [.hosts[] | .site as $s | select(any(.parents[]; . == "@source" or $site[.] != $s)) | .site]
  | group_by(.) | map(length)' out)
[[ $entries == "[1,1,1]" ]] || fail "sites are entered by $entries hosts, not once each"
[[ $(jq '.links.cross_site' out) -eq $((2 * gib)) ]] || fail "more than one copy crosses a site link"
# A deployer with room for every zone's way in (10 Gbit/s for s1's hosts, 1 Gbit/s for each site
# link) feeds each zone itself: one copy into each, none between sites.
run plan -i sites.yaml --assume-empty --closure-size 1GiB --closure-paths 50 --json --source-bandwidth 12gbit
[[ $status -eq 0 ]] || fail "plan with sites and a fast deployer: exited $status: $(cat err)"
[[ $(jq '[.hosts[] | select(.parents == ["@source"])] | length' out) -eq 3 ]] ||
  fail "the deployer should feed one host per zone: $(jq -c '[.hosts[] | select(.parents == ["@source"]) | .name]' out)"
[[ $(jq '.source.egress_bytes' out) -eq $((3 * gib)) ]] || fail "the deployer should send one copy per zone"
[[ $(jq '.links.cross_site' out) -eq 0 ]] || fail "bytes cross between sites the deployer feeds"

run plan -i fleet.yaml --assume-empty --closure-size 1GiB --simulate
[[ $status -eq 0 ]] || fail "plan --simulate exited $status: $(cat err)"
grep -q '^300 hosts need 300.0 GiB (1.0 GiB distinct)' out || fail "text summary wrong: $(head -3 out)"
grep -q '^deployer egress: 1.0 GiB (1.0x the bytes needed)' out || fail "no egress line: $(cat out)"
grep -Eq '^    wave [0-9]+: [0-9]+ hosts: s1-r1-\[' out || fail "host lists are not folded into ranges"
grep -q '^total: ' out || fail "--simulate printed no total"

run plan -i fleet.yaml --assume-empty --closure-size 1GiB --json --simulate --source-bandwidth 1gbit
[[ $status -eq 0 ]] || fail "plan --json --simulate exited $status: $(cat err)"
# No schedule beats the deployer's 1 Gbit/s uplink for 1 GiB.
[[ $(jq '.simulation.total_seconds >= 8.589' out) == true ]] || fail "simulation beats physics"
[[ $(jq '.simulation.waves | length' out) -eq $(jq '.depth' out) ]] || fail "not one time per wave"

run plan -i fleet.yaml --assume-empty --closure-size 1GiB --format dot --hosts 's2-*'
[[ $status -eq 0 ]] || fail "plan --format dot exited $status: $(cat err)"
head -1 out | grep -qx 'digraph plan {' || fail "DOT output does not start with the graph"
[[ $(grep -c 'label="site ' out) -eq 1 ]] || fail "--hosts 's2-*' should leave one site cluster"

# Store paths: the closure and its NAR sizes come from the local store.
nix_build_test_closure result
nar_bytes=$(closure_nar_bytes result)
run plan -i fleet.yaml --hosts 's1-r1-*' --assume-empty ./result --json
[[ $status -eq 0 ]] || fail "plan with a store path exited $status: $(cat err)"
[[ $(jq '.needed_bytes' out) -eq $nar_bytes ]] || fail "needed_bytes is not the closure's NAR size"
[[ $(jq '[.hosts[].missing_paths] | unique' out) == "[
  6
]" ]] || fail "every host should lack the 6 paths of the closure"

# Usage errors exit 2 and say what is wrong.
run plan -i fleet.yaml --closure-size 1GiB
[[ $status -eq 2 ]] && grep -q -- '--assume-empty' err || fail "missing --assume-empty: $status $(cat err)"
run plan -i fleet.yaml --assume-empty --closure-size 1GiB ./result
[[ $status -eq 2 ]] || fail "paths and --closure-size together exited $status"
run plan -i fleet.yaml --assume-empty --closure-size 1GiB --fanout 2
[[ $status -eq 2 ]] && grep -q 'at least 3' err || fail "--fanout 2: $status $(cat err)"
run plan -i fleet.yaml --assume-empty --closure-size 1GiB --simulate --format dot
[[ $status -eq 2 ]] || fail "--simulate with --format dot exited $status"
run plan -i fleet.yaml --assume-empty --closure-size 12parsecs
[[ $status -eq 2 ]] && grep -q "unknown unit" err || fail "bad size: $status $(cat err)"
echo "plan: ok"
