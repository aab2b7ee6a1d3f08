#!/usr/bin/env bash
# The dead man's switch of `shoal push --activate` on a 2-host namespace
# fleet: the deployer is killed (SIGKILL) while the second host's health check
# runs; the helper left on that host rolls it back to its previous generation
# and activates that again by itself within seconds of --confirm-timeout,
# while the canary, confirmed before, stays on the new generation. A later
# push with a short --confirm-timeout is confirmed and stays, and a host the
# deployer rolled back is not rolled back once more when that timeout passes.
source "$(dirname "$0")/deploy_common.sh"

nix_test_setup
fleet_start 2
cd "$TEST_TMP"
P=/nix/var/nix/profiles/shoal-test

nix_build_test_system base --argstr label base
nix_build_test_system next --argstr label next
nix_build_test_system sick --argstr label sick --arg healthy false
base=$(readlink -f base) next=$(readlink -f next) sick=$(readlink -f sick)
write_inventory fleet.yaml <<EOT
h1 tags: [canary]
h2
EOT
deploy=(--profile shoal-test --activate "$ACTIVATE")

# 1. Generation 1 (base) on both hosts.
push_direct base -i fleet.yaml "${deploy[@]}" "$base"
expect_rc base 0
for n in 1 2; do assert_host $n shoal-test 1 1 "$base"; done

# 2. Push next, h1 as the canary, with a 4 s health check and a 5 s confirm
#    timeout; kill the deployer once h2 is activated, during its health check.
push_pid=""
# shellcheck disable=SC2016 # expanded when the test exits
on_exit 'for pid in $(shoal_pids); do kill -KILL "$pid" 2>/dev/null || true; done'
in_deployer "$SHOAL" push --direct --json -i fleet.yaml "${deploy[@]}" --canary 1 --confirm-timeout 5 \
  --health-check "sleep 4; $CHECK" "$next" >killed.json 2>killed.txt &
push_pid=$!
h2_activated() { [[ -n $(event killed host-activated h2 2>/dev/null) ]]; }
wait_for 60 h2_activated || fail "h2 was never activated: $(cat killed.txt)"
mapfile -t shoal < <(shoal_pids)
((${#shoal[@]} == 1)) || fail "expected one shoal process in the deployer namespace, found: ${shoal[*]}"
kill -KILL "${shoal[0]}"
killed_at=$SECONDS
wait "$push_pid" && fail "the killed push exited 0"
push_pid=""
# The kill may have cut the last line short.
{ jq -c . killed.json 2>/dev/null || true; } >killed.clean && mv killed.clean killed.json
one_event killed host-confirmed h1 >/dev/null
in_order killed '.event == "host-confirmed" and .host == "h1"' '.event == "host-activated" and .host == "h2"'
[[ -z $(event killed host-confirmed h2) ]] || fail "h2 was confirmed before the kill: the test proves nothing"
expect_event killed host-profile-set h2 ".path == \"$next\" and .generation == 2"
[[ $(current_generation 2 shoal-test) == 2 && $(marker 2) == "$next" ]] ||
  fail "h2 is not on generation 2 right after the kill: $(generations 2 shoal-test), marker $(marker 2)"

# The guard of the killed push leaves its directory on h2 (in /tmp, which the
# test fleet shares): remove it when the test ends.
on_exit "grep -l -F -- '$next' /tmp/shoal-activation.*/guard.sh 2>/dev/null | xargs -r dirname | xargs -r rm -rf"
h2_back() { [[ $(current_generation 2 shoal-test) == 1 && $(marker 2) == "$base" ]]; }
# Activation + 4 s health check + 5 s confirm timeout: ~9 s after h2's
# activation. 20 s leaves room for a slow machine.
wait_for 20 h2_back ||
  fail "h2 was not rolled back within 20 s of the kill (health check 4 s, --confirm-timeout 5): generations '$(generations 2 shoal-test)', current $(current_generation 2 shoal-test), marker $(marker 2)"
echo "h2 rolled back by itself $((SECONDS - killed_at)) s after the deployer was killed"
assert_host 2 shoal-test 1 1 "$base"
[[ $(activations 2 | tail -n 1) == "$base base $base $P 1" ]] ||
  fail "h2: the helper did not activate generation 1 like the deployer would: $(activations 2)"
# The canary, confirmed, stays: also well after its own confirm timeout.
while ((SECONDS - killed_at < 12)); do sleep 1; done
assert_host 1 shoal-test "1 2" 2 "$next"
assert_host 2 shoal-test 1 1 "$base"

# 3. A push that finishes: confirmed hosts keep their generation after --confirm-timeout.
push_direct confirmed -i fleet.yaml "${deploy[@]}" --confirm-timeout 3 "$next"
expect_rc confirmed 0
expect_summary confirmed '.activated == 2 and .rolled_back == 0 and .failed_hosts == []'
expect_profile_set confirmed h1 shoal-test "$next" 2 2 false
expect_profile_set confirmed h2 shoal-test "$next" 2 1 true
for n in 1 2; do one_event confirmed host-confirmed h$n >/dev/null; done
sleep 6
for n in 1 2; do assert_host $n shoal-test "1 2" 2 "$next"; done
assert_events_match_hosts confirmed shoal-test

# 4. The deployer rolls h1 back (failing health check): once the confirm
#    timeout has passed, h1 is still on generation 2, activated once more.
push_direct sick -i fleet.yaml --hosts h1 "${deploy[@]}" --health-check "$CHECK" --confirm-timeout 3 "$sick"
expect_rc sick 1
expect_event sick host-rolled-back h1 '.generation == 2'
assert_host 1 shoal-test "1 2" 2 "$next"
before=$(activations 1)
sleep 6
assert_host 1 shoal-test "1 2" 2 "$next"
[[ $(activations 1) == "$before" ]] || fail "h1 was activated again after the deployer's rollback: $(activations 1 | tail -n 2)"
echo "deploy_deadman_test: ok"
