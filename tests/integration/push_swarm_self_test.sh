#!/usr/bin/env bash
# `shoal push` run from the Nix store: hosts that lack shoal's own store path
# get its closure by a direct copy first, then run it as their agent, so the
# swarm carries the push (no host falls back to a direct copy); a second push
# copies shoal to nobody.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 2
cd "$TEST_TMP"

# The binary under test as a single-file store path of the deployer's store
# (the machine's own; the hosts have their own /nix). Its unique name makes
# sure that the path deleted on exit is the one this test added.
nonce=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
cp "$SHOAL" "shoal-test-$nonce"
self=$(nix-store --add "shoal-test-$nonce")
on_exit "nix-store --delete '$self' >/dev/null 2>&1"
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  ! on_host $n nix-store --check-validity "$self" 2>/dev/null || fail "h$n already has $self"
done

swarm_push() { # swarm_push RUN ROOT: pushes ROOT with the store's shoal, events to RUN.json
  in_deployer "$self" push -i "$FLEET_INVENTORY" --json \
    --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" --linger 5 \
    "$2" >"$1.json" 2>"$1.txt" || fail "the push failed: $(tail -n 30 "$1.txt")"
  (($(event_count "$1" '.event == "host-fallback"') == 0)) ||
    fail "a host fell back to a direct copy: $(grep -v '^  ' "$1.txt")"
}
event_count() { jq -c "select($2)" "$1.json" | wc -l; }

# 1. Hosts without shoal: each gets its store path, then the closure through the swarm.
NIX_TEST_BIG_MIB=4 nix_build_test_closure first
closure=$(nix-store -qR first)
swarm_push first first
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$closure"
  assert_has_closure $n "$self"
done
(($(event_count first ".event == \"path-copied\" and .path == \"$self\"") == FLEET_HOSTS)) ||
  fail "shoal was not copied once to each host: $(grep -v '^  ' first.txt)"
(($(event_count first '.event == "path-imported"') == FLEET_HOSTS * $(wc -l <<<"$closure"))) ||
  fail "agents did not import the whole closure: $(grep -v '^  ' first.txt)"
grep -q "copied shoal's own closure: 1 paths" first.txt ||
  fail "no log line tells that shoal was copied: $(grep -v '^  ' first.txt)"

# 2. Hosts that have shoal already: only the new closure moves.
NIX_TEST_BIG_MIB=4 nix_build_test_closure second
swarm_push second second
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$(nix-store -qR second)"
done
(($(event_count second '.event == "path-copied"') == 0)) ||
  fail "paths were copied directly although every host has shoal: $(grep -v '^  ' second.txt)"
echo "push_swarm_self_test: ok"
