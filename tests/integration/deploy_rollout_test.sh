#!/usr/bin/env bash
# Staged rollouts (`shoal push --canary/--batch-size/--max-failures`) on a
# 4-host namespace fleet: the closure reaches every host first, then hosts are
# activated stage by stage; a failing canary stops the rollout and the other
# hosts keep the closure but get no new generation; hosts tagged `canary` go
# first (a GC loop on a waiting host takes nothing away); batches stop once
# failures exceed the limit (a count or a percentage); and a swarm push (no --direct) sets profiles and activates in
# stages too, with a GC loop on the last host while it waits for its turn.
source "$(dirname "$0")/deploy_common.sh"

nix_test_setup
fleet_start 4
cd "$TEST_TMP"

nix_build_test_system base --argstr label base
nix_build_test_system bad --argstr label bad --arg activateFails true
nix_build_test_system good2 --argstr label good2
nix_build_test_system good3 --argstr label good3
nix_build_test_system good4 --argstr label good4
nix_build_test_system swarm --argstr label swarm --arg dataKiB 8192
base=$(readlink -f base) bad=$(readlink -f bad) good2=$(readlink -f good2)
good3=$(readlink -f good3) good4=$(readlink -f good4) swarm=$(readlink -f swarm)
write_inventory fleet.yaml <<EOT
h1
h2
h3
h4
EOT
deploy=(--profile shoal-test --activate "$ACTIVATE")
stages() { # stages RUN: the rollout-stage events as "stage kind host,host" lines
  jq -r 'select(.event == "rollout-stage") | "\(.stage) \(.kind) \(.hosts | join(","))"' "$1.json"
}
expect_stages() { # expect_stages RUN LINES
  [[ $(stages "$1") == "$2" ]] || fail "$1: the stages were
$(stages "$1")
expected
$2"
}
copied_before_activation() { # every host's host-done comes before the first rollout-stage
  local n
  for n in "${@:2}"; do
    in_order "$1" ".event == \"host-done\" and .host == \"h$n\"" '.event == "rollout-stage"'
  done
}

# 1. Generation 1 (base) everywhere.
push_direct base -i fleet.yaml "${deploy[@]}" "$base"
expect_rc base 0
for n in 1 2 3 4; do assert_host $n shoal-test 1 1 "$base"; done
assert_events_match_hosts base shoal-test

# 2. One canary whose activation fails: it rolls back, the rollout stops, the
#    three others hold the new closure but no new generation.
push_direct canary -i fleet.yaml "${deploy[@]}" --canary 1 "$bad"
expect_rc canary 1
expect_stages canary "1 canary h1"
copied_before_activation canary 1 2 3 4
expect_event canary host-activation-failed h1 '.output | contains("activation of bad fails on purpose")'
expect_event canary host-rolled-back h1 '.generation == 1'
expect canary 'map(select(.event == "rollout-stopped")) | length == 1 and .[0].failures == 1 and (.[0].reason | length > 0)' \
  "expected one rollout-stopped with 1 failure"
expect_summary canary '.activated == 0 and .rolled_back == 1 and .not_activated == 3'
[[ $(failed_hosts canary) == "h1 h2 h3 h4" ]] || fail "canary: failed_hosts is '$(failed_hosts canary)'"
assert_host 1 shoal-test 1 1 "$base"
for n in 2 3 4; do
  expect_event canary host-not-activated h$n '.reason | length > 0'
  [[ -z $(event canary host-profile-set h$n) ]] || fail "h$n's profile was set though the rollout stopped"
  [[ -z $(event canary host-activated h$n) ]] || fail "h$n was activated though the rollout stopped"
  assert_has_closure $n "$(nix-store -qR "$bad")"
  assert_host $n shoal-test 1 1 "$base"
  ! activations $n | grep -q "^$bad " || fail "h$n ran the bad activation"
done
assert_events_match_hosts canary shoal-test

# 3. A host tagged canary goes first, and is confirmed before the next stage
#    starts.
write_inventory tagged.yaml <<EOT
h1
h2
h3 tags: [canary]
h4
EOT
# h4 waits for its stage with the closure copied but not yet in a profile,
# under a GC loop: the push must keep the closure alive until then.
gc_loop_start 4
gc_before=$(gc_count 4)
push_direct tagged -i tagged.yaml "${deploy[@]}" --canary 1 "$good2"
gc_during=$(($(gc_count 4) - gc_before))
gc_loop_stop 4 >/dev/null
expect_rc tagged 0
((gc_during >= 1)) || fail "no GC finished on h4 during the tagged push"
expect_stages tagged "1 canary h3
2 batch h1,h2,h4"
copied_before_activation tagged 1 2 3 4
in_order tagged '.event == "rollout-stage" and .stage == 1' \
  '.event == "host-activated" and .host == "h3"' '.event == "host-confirmed" and .host == "h3"' \
  '.event == "rollout-stage" and .stage == 2' '.event == "host-activated" and .host != "h3"'
expect_summary tagged '.activated == 4 and .rolled_back == 0 and .not_activated == 0 and .failed_hosts == []'
for n in 1 2 3 4; do
  expect_profile_set tagged h$n shoal-test "$good2" 2 1 true
  assert_host $n shoal-test "1 2" 2 "$good2"
done
assert_has_closure 4 "$(nix-store -qR "$good2")"
assert_events_match_hosts tagged shoal-test

# 4. Batches of one, at most one failure, per-host closures: h2 and h3 fail.
#    h1 is activated, h2 fails (1 failure, allowed), h3 fails (2: too many),
#    the rollout stops before h4.
write_inventory mixed3.yaml <<EOT
h1 closure: $good3
h2 closure: $bad
h3 closure: $bad
h4 closure: $good3
EOT
push_direct batches -i mixed3.yaml "${deploy[@]}" --batch-size 1 --max-failures 1
expect_rc batches 1
expect_stages batches "1 batch h1
2 batch h2
3 batch h3"
copied_before_activation batches 1 2 3 4
in_order batches '.event == "rollout-stage" and .stage == 1' '.event == "host-activated" and .host == "h1"' \
  '.event == "rollout-stage" and .stage == 2' '.event == "host-activation-failed" and .host == "h2"' \
  '.event == "rollout-stage" and .stage == 3' '.event == "host-activation-failed" and .host == "h3"' \
  '.event == "rollout-stopped"'
expect batches 'map(select(.event == "rollout-stopped")) | length == 1 and .[0].failures == 2' "expected rollout-stopped after 2 failures"
expect_summary batches '.activated == 1 and .rolled_back == 2 and .not_activated == 1'
[[ $(failed_hosts batches) == "h2 h3 h4" ]] || fail "batches: failed_hosts is '$(failed_hosts batches)'"
expect_profile_set batches h1 shoal-test "$good3" 3 2 true
assert_host 1 shoal-test "1 2 3" 3 "$good3"
for n in 2 3; do
  expect_event batches host-rolled-back h$n '.generation == 2'
  assert_host $n shoal-test "1 2" 2 "$good2"
done
expect_event batches host-not-activated h4 '.reason | length > 0'
[[ -z $(event batches host-profile-set h4) ]] || fail "h4's profile was set though the rollout stopped"
assert_has_closure 4 "$(nix-store -qR "$good3")"
assert_host 4 shoal-test "1 2" 2 "$good2"
assert_events_match_hosts batches shoal-test

# 5. Percentages: batches of 25% (one host), failures up to 50% (two of four):
#    the same two failures no longer stop the rollout.
write_inventory mixed4.yaml <<EOT
h1 closure: $good4
h2 closure: $bad
h3 closure: $bad
h4 closure: $good4
EOT
push_direct percent -i mixed4.yaml "${deploy[@]}" --batch-size 25% --max-failures 50%
expect_rc percent 1
expect_stages percent "1 batch h1
2 batch h2
3 batch h3
4 batch h4"
[[ -z $(jq -c 'select(.event == "rollout-stopped")' percent.json) ]] || fail "percent: the rollout stopped at 2 failures of 4 with --max-failures 50%"
expect_summary percent '.activated == 2 and .rolled_back == 2 and .not_activated == 0'
[[ $(failed_hosts percent) == "h2 h3" ]] || fail "percent: failed_hosts is '$(failed_hosts percent)'"
assert_host 1 shoal-test "1 2 3 4" 4 "$good4"
assert_host 4 shoal-test "1 2 3" 3 "$good4"
for n in 2 3; do assert_host $n shoal-test "1 2" 2 "$good2"; done
assert_events_match_hosts percent shoal-test

# 6. Through the swarm: two batches of 50%, health checked; h4 (last batch)
#    runs a GC loop the whole time, so its copy waits unrooted for its turn.
gc_loop_start 4
gc_before=$(gc_count 4)
run_shoal swarm push --json -i fleet.yaml --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" \
  --linger 30 "${deploy[@]}" --health-check "sleep 1; $CHECK" --batch-size 50% "$swarm"
gc_during=$(($(gc_count 4) - gc_before))
gc_loop_stop 4 >/dev/null
expect_rc swarm 0
echo "h4 ran $gc_during collections during the swarm push"
((gc_during >= 1)) || fail "no GC finished on h4 during the swarm push"
expect_stages swarm "1 batch h1,h2
2 batch h3,h4"
copied_before_activation swarm 1 2 3 4
expect_summary swarm '.activated == 4 and .rolled_back == 0 and .not_activated == 0 and .failed_hosts == [] and .unrooted == false'
swarm_closure=$(nix-store -qR "$swarm")
for n in 1 2 3 4; do
  [[ -n $(event swarm path-imported h$n) ]] || fail "h$n imported nothing through the swarm: $(grep -v progress swarm.json)"
  one_event swarm host-confirmed h$n >/dev/null
  assert_has_closure $n "$swarm_closure"
done
expect_profile_set swarm h1 shoal-test "$swarm" 5 4 true
assert_host 1 shoal-test "1 2 3 4 5" 5 "$swarm"
assert_host 4 shoal-test "1 2 3 4" 4 "$swarm"
for n in 2 3; do assert_host $n shoal-test "1 2 3" 3 "$swarm"; done
assert_events_match_hosts swarm shoal-test
on_host 4 nix-store --verify --check-contents >verify.txt 2>&1 || fail "h4's store does not verify: $(cat verify.txt)"
echo "deploy_rollout_test: ok"
