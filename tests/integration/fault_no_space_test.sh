#!/usr/bin/env bash
# Full disks on a 4-host fleet, a 48 MiB closure: h3's /nix is a 24 MiB file
# system, h4's remote staging directory too.
#   1. A direct push to h3 fails promptly, within --io-timeout (its copy used
#      to hang once the host's nix-store had died of the full disk: sshd kept
#      answering keepalives while our writes waited for a window that never
#      opened).
#   2. A swarm push gets the closure to h1 and h2, while h3 (its agent's
#      import runs out of space) and h4 (its staging cannot hold the
#      download, found by its agent before it downloads: a full staging file system
#      would kill the agent with SIGBUS) fail alone, promptly, with "no space"
#      in their reason and no direct copy tried (it could only fail again).
# Nothing is half-registered anywhere, and no shoal process is left.
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/fault_fleet_checks.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 4
cd "$TEST_TMP"
shrink_dir 3 /nix/store 24m
shrink_dir 4 "$TEST_TMP/remote" 24m
NIX_TEST_BIG_MIB=48 nix_build_test_closure result
closure=$(nix-store -qR result)
data=$(grep -- '-shoal-test-data$' <<<"$closure")

assert_no_space() { # RUN HOST: the host failed for lack of space, without a direct copy
  local reason
  reason=$(event "$1" host-failed "$2" | jq -r .error)
  [[ $reason == *"no space left on the host"* ]] ||
    fail "$2 ($1): the reason does not say 'no space': ${reason:-no host-failed event: $(tail "$1.txt")}"
  [[ -z $(event "$1" host-fallback "$2") ]] || fail "$2 ($1) was retried by a direct copy"
}
assert_lacks_data() { # N: host N did not register the path that cannot fit
  ! on_host "$1" nix-store --check-validity "$data" 2>/dev/null || fail "h$1 has $data"
}

# 1. A direct push to the full host: one clear failure within --io-timeout.
cat >h3.yaml <<EOT
defaults: {user: root, identity: $FLEET_IDENTITY, known_hosts: $FLEET_KNOWN_HOSTS}
hosts:
  h3: {address: $(cut -d' ' -f3 <<<"$FLEET_ADDRESSES")}
EOT
timed_push direct -i h3.yaml --direct --io-timeout 10 result
((push_rc == 1)) || fail "the direct push to a full host exited $push_rc: $(tail direct.txt)"
((push_seconds < 40)) || fail "the direct push to a full host took $push_seconds s (--io-timeout 10)"
assert_no_space direct h3
assert_lacks_data 3

# 2. A swarm push: the full hosts fail alone, the others get the closure.
timed_push swarm -i "$FLEET_INVENTORY" --io-timeout 10 --stall-timeout 30 --linger 30 \
  --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" result
((push_rc == 1)) || fail "the swarm push exited $push_rc, expected 1: $(tail swarm.txt)"
((push_seconds < 60)) || fail "the swarm push took $push_seconds s"
for n in 1 2; do
  [[ -n $(event swarm host-done "$FLEET_NAME-h$n") ]] || fail "h$n did not finish: $(tail swarm.txt)"
  assert_has_closure $n "$closure"
done
assert_no_space swarm "$FLEET_NAME-h3"
assert_no_space swarm "$FLEET_NAME-h4"
assert_lacks_data 3
assert_lacks_data 4
[[ $(event swarm host-failed "$FLEET_NAME-h3" | jq -r .error) == "agent: importing "* ]] ||
  fail "h3 did not fail in its agent's import: $(event swarm host-failed "$FLEET_NAME-h3")"
[[ $(event swarm host-failed "$FLEET_NAME-h4" | jq -r .error) == *"staging directory $TEST_TMP/remote/"* ]] ||
  fail "h4's failure does not name its staging: $(event swarm host-failed "$FLEET_NAME-h4")"
jq -r 'select(.event == "host-failed") | "\(.host): \(.error)"' direct.json swarm.json
assert_fleet_sound
echo "fault_no_space_test: ok"
