#!/usr/bin/env bash
# Errors that shoal does not word itself (a filesystem call that fails, bytes
# that are not UTF-8) end the command with a one-line message and exit code 1,
# never in std::terminate:
#  1. `shoal agent` given an assignment line that is not UTF-8 reports an
#     error event, the bytes replaced by U+FFFD, and exits 1.
#  2. `shoal push` staging on a read-only filesystem names the staging path.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
cd "$TEST_TMP" || fail "cannot enter $TEST_TMP"

# no_crash LOG: nothing in LOG says the process died instead of failing.
no_crash() {
  ! grep -qE 'terminate called|core dumped' "$1" || fail "$1 shows a crash: $(cat "$1")"
}

# --- 1. the agent, given bytes that are not UTF-8 ---------------------------
exit_code=0
printf '{"host": "caf\xe9"}\n' | "$SHOAL" agent >agent.events 2>agent.log || exit_code=$?
((exit_code == 1)) || fail "the agent exited with $exit_code: $(cat agent.log)"
no_crash agent.log
[[ $(jq -r .type agent.events) == error ]] || fail "no error event: $(cat agent.events)"
jq -r .message agent.events | grep -qF 'assignment: not valid JSON' ||
  fail "the error event does not say what failed: $(cat agent.events)"
jq -r .message agent.events | grep -qF $'\xef\xbf\xbd' ||
  fail "the error event lost the invalid byte instead of replacing it: $(cat agent.events)"

# --- 2. a push staging on a read-only filesystem -----------------------------
fleet_start 1
nix_build_test_closure result
mkdir read-only
mount --bind read-only read-only
on_exit "umount '$TEST_TMP/read-only'"
mount -o remount,bind,ro read-only
staging=$TEST_TMP/read-only/staging

exit_code=0
in_deployer "$SHOAL" push -i "$FLEET_INVENTORY" --staging "$staging" \
  --remote-staging "$TEST_TMP/remote" "$TEST_TMP/result" >push.out 2>push.log || exit_code=$?
((exit_code == 1)) || fail "the push exited with $exit_code: $(tail -n 20 push.log)"
no_crash push.log
grep -F "$staging" push.log | grep -qF 'Read-only file system' ||
  fail "no error names the read-only staging path: $(tail -n 20 push.log)"
echo "unexpected-errors: ok"
