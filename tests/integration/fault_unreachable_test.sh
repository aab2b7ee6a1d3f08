#!/usr/bin/env bash
# 10 % of a 10-host inventory is unreachable: 8 entries on a 4-host fleet
# (each host twice, under two names with two swarm ports) and 2 bogus ones.
# Every reachable host gets the closure, each bogus one is named within
# --connect-timeout, and the push exits 1. Bogus entries, two per push:
#   1. no route to the address, and a port where nothing listens;
#   2. a key the host does not accept, and a name whose DNS server never
#      answers (the deployer's resolv.conf points at a silent address).
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/fault_fleet_checks.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 4
cd "$TEST_TMP"
nix_build_test_closure result
closure=$(nix-store -qR result)
read -ra address <<<"$FLEET_ADDRESSES"
connect_timeout=3

# A DNS server that swallows every query: a static neighbour entry sends
# its packets to a MAC address nobody has. The resolver's own patience
# (30 s) is far beyond --connect-timeout.
silent=${FLEET_SUBNET%.0/24}.253
in_deployer ip neigh add "$silent" lladdr 02:00:00:00:00:53 dev eth0 nud permanent
mkdir -p "/etc/netns/$FLEET_DEPLOYER_NS"
fleet_on_exit "rm -rf '/etc/netns/$FLEET_DEPLOYER_NS'"
printf 'nameserver %s\noptions timeout:30 attempts:1\n' "$silent" \
  >"/etc/netns/$FLEET_DEPLOYER_NS/resolv.conf"
ssh-keygen -q -t ed25519 -N '' -f stranger_key

write_inventory() { # FILE, then "name address [extra settings]" lines on stdin
  local name addr extra
  printf 'defaults: {user: root, identity: %s, known_hosts: %s}\nhosts:\n' \
    "$FLEET_IDENTITY" "$FLEET_KNOWN_HOSTS" >"$1"
  for n in 1 2 3 4; do
    printf '  a%s: {address: %s}\n  b%s: {address: %s, swarm_port: 7410}\n' \
      "$n" "${address[n - 1]}" "$n" "${address[n - 1]}" >>"$1"
  done
  while read -r name addr extra; do
    printf '  %s: {address: %s%s}\n' "$name" "$addr" "${extra:+, $extra}" >>"$1"
  done
}
push_and_check() { # RUN BOGUS1 BOGUS2 PATTERN1 PATTERN2
  local run=$1 bogus why elapsed i
  timed_push "$run" -i "$run.yaml" --connect-timeout "$connect_timeout" \
    --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" result
  ((push_rc == 1)) || fail "$run: the push exited $push_rc, expected 1: $(tail "$run.txt")"
  for n in 1 2 3 4; do
    for name in a$n b$n; do
      [[ -n $(event "$run" host-done "$name") ]] || fail "$run: $name did not finish: $(tail "$run.txt")"
    done
    assert_has_closure $n "$closure"
  done
  for i in 2 3; do
    bogus=${!i}
    why=$(event "$run" host-failed "$bogus" | jq -r .error)
    elapsed=$(event "$run" host-failed "$bogus" | jq .elapsed)
    grep -Eq -- "${@:i+2:1}" <<<"$why" || fail "$run: $bogus's reason is unclear: ${why:-none}"
    jq -e ". < $connect_timeout + 2" <<<"$elapsed" >/dev/null ||
      fail "$run: $bogus was named only after $elapsed s (--connect-timeout $connect_timeout)"
    echo "$run: $bogus after $elapsed s: $why"
  done
  jq -e 'select(.event == "summary") | .ok == 8 and .failed == 2' "$run.json" >/dev/null ||
    fail "$run: wrong summary: $(tail -n 1 "$run.json")"
}

write_inventory unrouted.yaml <<EOT
nowhere 192.0.2.1
closed ${address[0]} port: 2222
EOT
push_and_check unrouted nowhere closed "192\.0\.2\.1.*(unreachable|no answer)" "2222.*refused"

write_inventory unknown.yaml <<EOT
stranger ${address[1]} identity: $TEST_TMP/stranger_key
unresolved no-answer.shoal-test.example
EOT
push_and_check unknown stranger unresolved "authentication.*failed" \
  "cannot resolve no-answer\.shoal-test\.example: no answer within"
assert_fleet_sound
echo "fault_unreachable_test: ok"
