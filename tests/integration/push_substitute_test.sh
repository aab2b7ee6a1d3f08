#!/usr/bin/env bash
# `shoal push --substitute-on-destination`: a host whose Nix has a binary cache
# holding the closure substitutes it from there while the push diffs it (Nix's
# QueryValidPaths with its substitute flag), so the deployer sends it nothing;
# a host without one still gets a copy. Directly (h1 with the cache, h2
# without) and through the swarm (h3 with, h4 without). Without the flag, a
# host with the cache is copied to like any other (h5).
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/fault_fleet_checks.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 5 100mbit
cd "$TEST_TMP"

NIX_TEST_BIG_MIB=8 nix_build_test_closure result
closure=$(nix-store -qR result)
nar_bytes=$(closure_nar_bytes result)

# A binary cache in this machine's file system, which every host's namespace
# sees (only /nix is a host's own), unsigned: the hosts that use it say so.
nix copy --to "file://$TEST_TMP/cache" "$(readlink result)"
mkdir cached-conf
cat >cached-conf/nix.conf <<EOF
build-users-group =
sandbox = false
substituters = file://$TEST_TMP/cache
require-sigs = false
experimental-features = nix-command
EOF
# shellcheck disable=SC2016 # $NIX_CONF_DIR is the host session's
uses_cache() { [[ $(on_host "$1" 'echo $NIX_CONF_DIR' 2>/dev/null) == "$TEST_TMP/cached-conf" ]]; }
for n in 1 3 5; do
  sed -i "s|^SetEnv NIX_CONF_DIR=.*|SetEnv NIX_CONF_DIR=$TEST_TMP/cached-conf|" "$FLEET_DIR/hosts/h$n/sshd_config"
  kill -HUP "$(host_sshd_pid "$n")"
  wait_for 10 uses_cache "$n" || fail "h$n's sessions do not get the cache's nix.conf"
done

push() { # push OUT ARGS...: the closure to the fleet, which must succeed
  local out=$1
  shift
  tx_before=$(deployer_tx)
  run_shoal "$out" push -i "$FLEET_INVENTORY" --json "$@" "$(readlink result)"
  tx=$(($(deployer_tx) - tx_before))
  ((rc == 0)) || fail "push $out failed ($rc): $(tail -n 30 "$out.txt")"
}
missing_bytes() { host_event "$1.json" host-diff "$FLEET_NAME-h$2" | jq -r .missing_bytes; }

# 1. Directly: h1 substitutes, h2 is copied to; the deployer sends one copy.
push direct --direct --substitute-on-destination --hosts "*-h1,*-h2"
for n in 1 2; do assert_has_closure "$n" "$closure"; done
(($(missing_bytes direct 1) == 0)) || fail "h1 still lacked $(missing_bytes direct 1) bytes after substituting"
(($(missing_bytes direct 2) == nar_bytes)) || fail "h2 lacked $(missing_bytes direct 2) bytes, not the closure's $nar_bytes"
echo "direct: the deployer sent $tx bytes for a closure of $nar_bytes"
((tx < nar_bytes * 3 / 2)) || fail "the deployer sent $tx bytes, more than one copy of $nar_bytes"

# 2. Through the swarm: h3 substitutes and gets no agent work, h4 is pushed to.
push swarm --substitute-on-destination --hosts "*-h3,*-h4"
for n in 3 4; do assert_has_closure "$n" "$closure"; done
(($(missing_bytes swarm 3) == 0)) || fail "h3 still lacked $(missing_bytes swarm 3) bytes after substituting"
(($(missing_bytes swarm 4) == nar_bytes)) || fail "h4 lacked $(missing_bytes swarm 4) bytes"
[[ -z $(host_event swarm.json agent-ready "$FLEET_NAME-h3") ]] ||
  fail "h3 had the closure, yet an agent was started there"

# 3. Without the flag, h5's cache is not asked: it lacks the whole closure.
push plain --direct --hosts "*-h5"
assert_has_closure 5 "$closure"
(($(missing_bytes plain 5) == nar_bytes)) || fail "h5 lacked $(missing_bytes plain 5) bytes without the flag"

echo "push --substitute-on-destination: ok"
