#!/usr/bin/env bash
# The failure paths around a swarm host's fallback, on a 3-host fleet with
# 100 Mbit/s links:
#   1. the deployer's staged NARs vanish once its swarm is up, so its seeding
#      (the coordinating loop) fails: the push ends at once with a clear
#      error, the hosts' threads told to stop, instead of each waiting out
#      --stall-timeout and copying directly;
#   2. an agent killed mid-download: its host is finished by a direct copy,
#      which then removes the agent's staging directory from the host;
#   2b. the same with --no-fallback: the host fails, named with its agent's
#      fault, and no direct copy is tried; the others finish;
#   3. a host that stops accepting our key once the push's connection to it
#      is up still gets its closure through the swarm: its agent runs on
#      that connection and never logs in again.
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/fault_fleet_checks.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3 100mbit
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"

# agent_wrapper PREFIX: agents start as `PREFIX shoal agent`, PREFIX a shell snippet.
agent_wrapper() {
  printf '#!/bin/sh\n%s\nexec %q agent\n' "$1" "$SHOAL" >agent-wrapper
  chmod +x agent-wrapper
}
push() { # OUT ARGS...: a swarm push to the whole fleet through agent-wrapper
  local out=$1
  shift
  timed_push "$out" -i "$FLEET_INVENTORY" --agent-command "$TEST_TMP/agent-wrapper" \
    --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" "$@" result
}

# 1. Agents wait for a go; meanwhile the deployer's staged NARs are removed.
nix_build_test_closure result
mkdir gate
agent_wrapper "touch $TEST_TMP/gate/held.\$\$; while [ ! -e $TEST_TMP/gate/go ]; do sleep 0.1; done"
# (Agents may be held before the deployer has staged and hashed: wait for its torrent.)
held_by_all() {
  (($(find gate -name 'held.*' | wc -l) == FLEET_HOSTS)) &&
    [[ -n $(find staging -name '*.torrent' 2>/dev/null) ]]
}
(
  wait_for 60 held_by_all || exit 1
  find staging -name '*.nar*' -delete # .nar, or .nar.zst when compressed
  touch gate/go
) &
push vanished --stall-timeout 40 --linger 60
wait $! || fail "the agents never all started: $(tail vanished.txt)"
((push_rc == 1)) || fail "the push exited $push_rc, expected 1: $(tail vanished.txt)"
((push_seconds < 30)) || fail "the push took $push_seconds s to end (--stall-timeout 40)"
[[ -z $(jq -c 'select(.event == "host-fallback")' vanished.json) ]] ||
  fail "hosts fell back after the deployer failed: $(jq -c 'select(.event == "host-fallback")' vanished.json)"
message=$(tail -n 1 vanished.txt)
[[ $message == *"the deployer's swarm serving $TEST_TMP/staging/"*"failed"* ]] ||
  fail "unclear error: $(tail vanished.txt)"
echo "$message"
wait_for 15 no_shoal_left || fail "agents still run after the deployer's failure"
rm -rf staging remote # kept for a rerun

# 2. h2's agent is killed after 2 s, mid-download of 48 MiB at 100 Mbit/s.
NIX_TEST_BIG_MIB=48 nix_build_test_closure result
agent_wrapper "case \$SSH_CONNECTION in *' ${address[1]} 22') exec timeout -s KILL 2 $(printf %q "$SHOAL") agent ;; esac"
push killed --linger 30
((push_rc == 0)) || fail "the push with a killed agent exited $push_rc: $(tail killed.txt)"
[[ -n $(event killed host-fallback "$FLEET_NAME-h2") ]] || fail "h2 did not fall back: $(tail killed.txt)"
for n in 1 2 3; do assert_has_closure $n "$(nix-store -qR result)"; done
left=$(find remote -mindepth 1 2>/dev/null | head)
[[ -z $left ]] || fail "the killed agent's staging is still there: $left"

# 2b. The same kill with --no-fallback: h2 fails and is not copied to.
NIX_TEST_BIG_MIB=48 nix_build_test_closure result
push no-fallback --linger 30 --no-fallback
((push_rc == 1)) || fail "the push without fallback exited $push_rc, expected 1: $(tail no-fallback.txt)"
[[ -z $(jq -c 'select(.event == "host-fallback")' no-fallback.json) ]] ||
  fail "a host fell back despite --no-fallback: $(jq -c 'select(.event == "host-fallback")' no-fallback.json)"
failure=$(event no-fallback host-failed "$FLEET_NAME-h2")
[[ $failure == *agent* ]] || fail "h2's failure does not name its agent: ${failure:-no host-failed event}"
echo "h2 without fallback: $failure"
for n in 1 3; do assert_has_closure $n "$(nix-store -qR result)"; done
on_host 2 nix-store --check-validity "$(readlink result)" 2>/dev/null &&
  fail "h2 has the closure though its agent was killed and nothing fell back"
wait_for 15 no_shoal_left || fail "agents still run after the push without fallback"

# 3. h3's diff is held while its sshd stops accepting our key: its agent,
# on the push's one connection to h3, starts all the same.
nix_build_test_closure result
agent_wrapper ""
cat >nix-store-wrapper <<EOF
#!/bin/sh
case \$SSH_CONNECTION in
*" ${address[2]} 22")
  n=\$(cat '$TEST_TMP/serves' 2>/dev/null || echo 0)
  echo \$((n + 1)) >'$TEST_TMP/serves'
  if [ "\$n" = 0 ]; then
    touch '$TEST_TMP/diff-held'
    while [ ! -e '$TEST_TMP/diff-go' ]; do sleep 0.1; done
  fi ;;
esac
exec nix-store "\$@"
EOF
chmod +x nix-store-wrapper
diff_held() { [[ -e diff-held ]]; }
(
  wait_for 60 diff_held || exit 1
  : >no_keys
  echo "AuthorizedKeysFile $TEST_TMP/no_keys" >"$FLEET_DIR/hosts/h3/sshd_config.new"
  grep -v '^AuthorizedKeysFile' "$FLEET_DIR/hosts/h3/sshd_config" >>"$FLEET_DIR/hosts/h3/sshd_config.new"
  mv "$FLEET_DIR/hosts/h3/sshd_config.new" "$FLEET_DIR/hosts/h3/sshd_config"
  kill -HUP "$(host_sshd_pid 3)"
  wait_for 10 bash -c "! ip netns exec '$FLEET_DEPLOYER_NS' ssh $FLEET_SSH_OPTIONS root@${address[2]} true" 2>/dev/null
  touch diff-go
) &
push key-revoked --remote-nix-store "$TEST_TMP/nix-store-wrapper"
wait $! || fail "h3's diff was never held: $(tail key-revoked.txt)"
((push_rc == 0)) || fail "the push exited $push_rc, expected 0: $(tail key-revoked.txt)"
[[ -n $(event key-revoked agent-ready "$FLEET_NAME-h3") ]] || fail "h3's agent did not start: $(tail key-revoked.txt)"
[[ -z $(event key-revoked host-fallback "$FLEET_NAME-h3") ]] || fail "h3 fell back: $(tail key-revoked.txt)"
(($(event key-revoked host-connected "$FLEET_NAME-h3" | wc -l) == 1)) || fail "h3 was connected to more than once"

sed -i "s|^AuthorizedKeysFile .*|AuthorizedKeysFile $FLEET_IDENTITY.pub|" "$FLEET_DIR/hosts/h3/sshd_config"
kill -HUP "$(host_sshd_pid 3)"
wait_for 10 on_host 3 true >/dev/null 2>&1 || fail "h3 does not let us in again"
for n in 1 2 3; do assert_has_closure $n "$(nix-store -qR result)"; done
assert_fleet_sound
echo "fault_fallback_test: ok"
