#!/usr/bin/env bash
# `shoal push --profile/--activate/--health-check` and `shoal rollback` on a
# 3-host namespace fleet, direct copies: a profile roots the closure against
# `nix-collect-garbage -d` (and without one the push says "unrooted" and a GC
# takes the closure away); the same path twice makes no new generation; failed
# activations, failed or slow health checks and timed-out activations roll
# back to the previous generation and activate it again (a failed health check
# after pushing the current path again counts as rolled back too); the
# inventory's profile/activate/health_check keys work like the options;
# `shoal rollback` goes one generation back; a GC loop during an import leaves
# a valid, complete closure; usage errors exit 2. Every push's events agree
# with the generations `nix-env --list-generations` shows on the hosts.
source "$(dirname "$0")/deploy_common.sh"

nix_test_setup
fleet_start 3
cd "$TEST_TMP"
P=/nix/var/nix/profiles/shoal-test

nix_build_test_system sys0 --argstr label zero
nix_build_test_system sys1 --argstr label one
nix_build_test_system sys2 --argstr label two --arg healthy false
nix_build_test_system sys3 --argstr label three
nix_build_test_system bad --argstr label bad --arg activateFails true
nix_build_test_system slow --argstr label slow --arg activateSleep 30
NIX_TEST_BIG_MIB=16 nix_build_test_closure big
sys0=$(readlink -f sys0) sys1=$(readlink -f sys1) sys2=$(readlink -f sys2) sys3=$(readlink -f sys3)
bad=$(readlink -f bad) slow=$(readlink -f slow) big=$(readlink -f big)
sys1_closure=$(nix-store -qR "$sys1")
(($(wc -l <<<"$sys1_closure") == 3)) || fail "the test system has $(wc -l <<<"$sys1_closure") paths, expected 3"
write_inventory fleet.yaml <<EOT
h1
h2
h3
EOT
valid_on() { on_host "$1" nix-store --check-validity "$2" 2>/dev/null; }

# 1. Usage errors exit 2 and touch no host.
push_direct two-paths -i fleet.yaml --profile shoal-test "$sys0" "$sys1"
expect_rc two-paths 2
grep -q -- 'profile' two-paths.txt || fail "two paths with --profile: the message does not name --profile: $(cat two-paths.txt)"
push_direct batch0 -i fleet.yaml --profile shoal-test --batch-size 0 "$sys0"
expect_rc batch0 2
grep -q -- 'batch-size' batch0.txt || fail "--batch-size 0: the message does not name --batch-size: $(cat batch0.txt)"
push_direct maxfail -i fleet.yaml --profile shoal-test --max-failures abc "$sys0"
expect_rc maxfail 2
grep -q -- 'max-failures' maxfail.txt || fail "--max-failures abc: the message does not name it: $(cat maxfail.txt)"
push_direct no-profile-act -i fleet.yaml --activate "$ACTIVATE" "$sys0"
expect_rc no-profile-act 2
grep -q -- '--profile' no-profile-act.txt || fail "--activate without --profile: the message does not name --profile: $(cat no-profile-act.txt)"
push_direct no-profile-check -i fleet.yaml --health-check "$CHECK" "$sys0"
expect_rc no-profile-check 2
grep -q -- '--profile' no-profile-check.txt || fail "--health-check without --profile: the message does not name --profile: $(cat no-profile-check.txt)"
run_shoal rollback-usage rollback --json -i fleet.yaml
expect_rc rollback-usage 2
for n in 1 2 3; do
  ! valid_on $n "$sys0" || fail "h$n got $sys0 from a push that was a usage error"
  [[ -z $(generations $n shoal-test) ]] || fail "h$n has a profile after usage errors"
done

# 2. Without a profile nothing roots the closure: the push says so, and a GC takes it.
push_direct unrooted -i fleet.yaml --hosts h1 "$sys0"
expect_rc unrooted 0
expect_summary unrooted '.unrooted == true and .activated == 0 and .rolled_back == 0 and .not_activated == 0'
grep -q unrooted unrooted.txt || fail "the human summary of a push without --profile does not say 'unrooted': $(cat unrooted.txt)"
[[ -z $(jq -c 'select(.event == "host-profile-set")' unrooted.json) ]] || fail "a push without --profile set a profile"
assert_has_closure 1 "$(nix-store -qR "$sys0")"
on_host 1 nix-store --gc >/dev/null 2>&1 || fail "nix-store --gc failed on h1"
! valid_on 1 "$sys0" || fail "h1 still has the unrooted $sys0 after a GC: the GC test proves nothing"

# 3. --profile and --activate on every host: generation 1, activated, confirmed,
#    and the closure survives nix-collect-garbage -d.
push_direct first -i fleet.yaml --profile shoal-test --activate "$ACTIVATE" sys1
expect_rc first 0
expect_summary first '.unrooted == false and .activated == 3 and .rolled_back == 0 and .not_activated == 0 and .failed_hosts == []'
! grep -q unrooted first.txt || fail "a push with --profile says 'unrooted': $(cat first.txt)"
for n in 1 2 3; do
  expect_profile_set first h$n shoal-test "$sys1" 1 null true
  expect_event first host-activated h$n '.generation == 1'
  one_event first host-confirmed h$n >/dev/null
  in_order first ".event == \"host-done\" and .host == \"h$n\"" \
    ".event == \"host-profile-set\" and .host == \"h$n\"" \
    ".event == \"host-activated\" and .host == \"h$n\"" \
    ".event == \"host-confirmed\" and .host == \"h$n\""
  assert_host $n shoal-test 1 1 "$sys1"
  [[ $(activations $n) == "$sys1 one $sys1 $P 1" ]] ||
    fail "h$n: the activation saw other SHOAL_* variables (or ran more than once): $(activations $n)"
done
assert_events_match_hosts first shoal-test
for n in 1 2 3; do
  on_host $n nix-collect-garbage -d >/dev/null 2>&1 || fail "nix-collect-garbage -d failed on h$n"
  assert_has_closure $n "$sys1_closure"
done

# 4. The same path again: no new generation, created false.
push_direct again -i fleet.yaml --profile shoal-test --activate "$ACTIVATE" "$sys1"
expect_rc again 0
for n in 1 2 3; do
  expect_profile_set again h$n shoal-test "$sys1" 1 1 false
  assert_host $n shoal-test 1 1 "$sys1"
done
assert_events_match_hosts again shoal-test

# 4b. The same path with a failing health check: the host is back where it was
#     before the push (generation 1, nothing to delete), reported as rolled back.
push_direct same-sick -i fleet.yaml --hosts h1 --profile shoal-test --activate "$ACTIVATE" --health-check false "$sys1"
expect_rc same-sick 1
expect_profile_set same-sick h1 shoal-test "$sys1" 1 1 false
one_event same-sick host-health-failed h1 >/dev/null
expect_event same-sick host-rolled-back h1 '.generation == 1'
expect_summary same-sick '.rolled_back == 1 and .activated == 0'
assert_host 1 shoal-test 1 1 "$sys1"

# 5. A failing health check: every host goes back to generation 1 and sys1's
#    activation runs again; generation 2 is gone.
push_direct unhealthy -i fleet.yaml --profile "$P" --activate "$ACTIVATE" --health-check "$CHECK" "$sys2"
expect_rc unhealthy 1
expect_summary unhealthy '.rolled_back == 3 and .activated == 0'
[[ $(failed_hosts unhealthy) == "h1 h2 h3" ]] || fail "unhealthy: failed_hosts is '$(failed_hosts unhealthy)'"
for n in 1 2 3; do
  expect_profile_set unhealthy h$n shoal-test "$sys2" 2 1 true
  expect_event unhealthy host-activated h$n '.generation == 2'
  expect_event unhealthy host-health-failed h$n '(.error | length > 0) and (.output | contains("health check of two fails"))'
  expect_event unhealthy host-rolled-back h$n '.generation == 1 and (.reason | length > 0)'
  assert_host $n shoal-test 1 1 "$sys1"
  [[ $(activations $n | tail -n 1) == "$sys1 one $sys1 $P 1" ]] ||
    fail "h$n: the rollback did not activate sys1 again as generation 1: $(activations $n)"
  activations $n | grep -q "^$sys2 two $sys2 $P 2\$" || fail "h$n: sys2 was never activated: $(activations $n)"
done
grep -q 'health check of two fails' unhealthy.txt || fail "the human text does not show the health check's output: $(cat unhealthy.txt)"
assert_events_match_hosts unhealthy shoal-test

# 6. A failing activation on a host without any generation before: rolled back
#    to nothing (generation null), the profile has no generation left.
push_direct fresh -i fleet.yaml --hosts h1 --profile fresh --activate "$ACTIVATE" "$bad"
expect_rc fresh 1
expect_profile_set fresh h1 fresh "$bad" 1 null true
expect_event fresh host-activation-failed h1 '(.error | length > 0) and (.output | contains("activation of bad fails on purpose"))'
expect_event fresh host-rolled-back h1 '.generation == null'
expect_summary fresh '.rolled_back == 1 and .activated == 0'
[[ $(failed_hosts fresh) == h1 ]] || fail "fresh: failed_hosts is '$(failed_hosts fresh)'"
grep -q 'activation of bad fails on purpose' fresh.txt || fail "the human text does not show the activation's output: $(cat fresh.txt)"
[[ -z $(generations 1 fresh) ]] || fail "h1: profile 'fresh' still has generations: $(generations 1 fresh)"
on_host 1 "! test -e /nix/var/nix/profiles/fresh" || fail "h1: profile 'fresh' still points somewhere"
assert_events_match_hosts fresh fresh
assert_has_closure 1 "$(nix-store -qR "$bad")"

# 7. Timeouts: an activation that takes 30 s with --activate-timeout 2 and a
#    health check that takes 30 s with --health-timeout 2 both roll back, long
#    before 30 s (generous bounds: the machine may be busy).
slow_start=$SECONDS
push_direct slow -i fleet.yaml --hosts h2 --profile shoal-test --activate "$ACTIVATE" --activate-timeout 2 "$slow"
expect_rc slow 1
((SECONDS - slow_start < 25)) || fail "a 2 s activation timeout took $((SECONDS - slow_start)) s"
expect_event slow host-activation-failed h2 '.error | length > 0'
expect_event slow host-rolled-back h2 '.generation == 1'
assert_host 2 shoal-test 1 1 "$sys1"
start=$SECONDS
push_direct slow-check -i fleet.yaml --hosts h3 --profile shoal-test --activate "$ACTIVATE" \
  --health-check "sleep 30; $CHECK" --health-timeout 2 "$sys3"
expect_rc slow-check 1
((SECONDS - start < 25)) || fail "a 2 s health check timeout took $((SECONDS - start)) s"
expect_profile_set slow-check h3 shoal-test "$sys3" 2 1 true
expect_event slow-check host-health-failed h3 '.error | length > 0'
expect_event slow-check host-rolled-back h3 '.generation == 1'
assert_host 3 shoal-test 1 1 "$sys1"
assert_events_match_hosts slow-check shoal-test

# 8. The inventory's profile, activate and health_check keys, all healthy.
write_inventory keys.yaml "profile: shoal-test, activate: \"$ACTIVATE\", health_check: \"$CHECK\"" <<EOT
h1
h2
h3
EOT
push_direct keys -i keys.yaml "$sys3"
expect_rc keys 0
expect_summary keys '.unrooted == false and .activated == 3 and .rolled_back == 0 and .failed_hosts == []'
for n in 1 2 3; do
  expect_profile_set keys h$n shoal-test "$sys3" 2 1 true
  expect_event keys host-activated h$n '.generation == 2'
  one_event keys host-confirmed h$n >/dev/null
  [[ -z $(event keys host-health-failed h$n) ]] || fail "h$n's health check failed"
  assert_host $n shoal-test "1 2" 2 "$sys3"
  [[ $(activations $n | tail -n 1) == "$sys3 three $sys3 $P 2" ]] || fail "h$n: wrong last activation: $(activations $n)"
done
assert_events_match_hosts keys shoal-test

# 9. shoal rollback: one generation back, activated with --activate, not without.
run_shoal rollback rollback --json -i fleet.yaml --hosts h1 --profile shoal-test --activate "$ACTIVATE"
expect_rc rollback 0
expect_event rollback host-rolled-back h1 '.generation == 1'
expect_summary rollback '.failed_hosts == []'
assert_host 1 shoal-test "1 2" 1 "$sys1"
[[ $(activations 1 | tail -n 1) == "$sys1 one $sys1 $P 1" ]] || fail "h1: rollback activated: $(activations 1 | tail -n 1)"
for n in 2 3; do assert_host $n shoal-test "1 2" 2 "$sys3"; done
run_shoal rollback-quiet rollback --json -i fleet.yaml --hosts h2 --profile "$P"
expect_rc rollback-quiet 0
expect_event rollback-quiet host-rolled-back h2 '.generation == 1'
[[ $(current_generation 2 shoal-test) == 1 && $(marker 2) == "$sys3" ]] ||
  fail "h2: rollback without --activate: generation $(current_generation 2 shoal-test), marker $(marker 2)"
run_shoal rollback-none rollback --json -i fleet.yaml --hosts h1 --profile shoal-test --activate "$ACTIVATE"
expect_rc rollback-none 1
[[ $(failed_hosts rollback-none) == h1 ]] || fail "rollback from the first generation: failed_hosts '$(failed_hosts rollback-none)'"
assert_host 1 shoal-test "1 2" 1 "$sys1"

# 10. A GC loop on h2 while a 16 MiB closure is imported with --profile:
#     every path is valid, verifies, and has its references.
big_closure=$(nix-store -qR "$big")
gc_loop_start 2
gc_before=$(gc_count 2)
push_direct gc -i fleet.yaml --hosts h2 --profile gc-test "$big"
gc_during=$(($(gc_count 2) - gc_before))
gc_total=$(gc_loop_stop 2)
expect_rc gc 0
echo "h2 ran $gc_total collections, $gc_during during the push"
((gc_during >= 1)) || fail "no GC finished during the push"
expect_profile_set gc h2 gc-test "$big" 1 null true
assert_has_closure 2 "$big_closure"
on_host 2 nix-store --gc >/dev/null 2>&1
assert_has_closure 2 "$big_closure"
on_host 2 nix-store --verify --check-contents >verify.txt 2>&1 || fail "h2's store does not verify: $(cat verify.txt)"
! grep -Ei 'invalid|error|modified|missing' verify.txt || fail "h2's store does not verify cleanly: $(cat verify.txt)"
[[ $(on_host 2 nix-store -qR "$big" | sort) == "$(sort <<<"$big_closure")" ]] || fail "h2 sees another closure of $big"
while read -r path; do
  [[ $(on_host 2 nix-store -q --references "$path" | sort) == "$(nix-store -q --references "$path" | sort)" ]] ||
    fail "h2: $path has other references than on the deployer"
done <<<"$big_closure"

# 11. The timed-out activation of step 7 (30 s) was stopped: it never recorded itself.
while ((SECONDS - slow_start < 35)); do sleep 1; done
! activations 2 | grep -q "^$slow " || fail "h2: the timed-out activation kept running and activated $slow"
[[ $(marker 2) == "$sys3" ]] || fail "h2's marker changed to $(marker 2)"
# 12. Nothing reaches the host's shell unquoted: a profile path holding a
#     quote, ';', '$()', backquotes and '"' is one word to every command.
pwned=/tmp/shoal-pwned-$$
hostile=$'/nix/var/shoal-test/it\'s;$(touch${IFS}'"$pwned"$')`touch${IFS}'"$pwned"$'`"q"'
push_direct hostile -i fleet.yaml --hosts h1 --profile "$hostile" --activate "$ACTIVATE" "$sys1"
expect_rc hostile 0
[[ ! -e $pwned ]] || fail "a profile path ran a command on the host"
reported=$(jq -r 'select(.event == "host-profile-set") | .profile' hostile.json)
[[ $reported == "$hostile" ]] || fail "hostile: host-profile-set names '$reported', not '$hostile'"
[[ $(on_host 1 "readlink $(printf '%q' "$hostile")-1-link") == "$sys1" ]] ||
  fail "h1: the profile with a hostile name does not hold $sys1"
echo "deploy_test: ok"
