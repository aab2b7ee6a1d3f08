#!/usr/bin/env bash
# Outsiders of a running `shoal push` get nothing from its agents. While the
# push moves a closure to a 3-host fleet at 20 Mbit/s, two intruders on the
# deployer's network, each holding the push's .torrent, try a host's agent:
# a plain libtorrent client without a certificate, and a swarm peer whose
# certificate names the push but comes from another CA. The agent refuses both
# at the TLS handshake, neither receives a byte, and the push still brings
# every host its closure without a fallback.
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/swarm_common.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3 20mbit
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"

# Every agent listens on a port the intruders know.
agent_port=7450
sed "s/^defaults:\$/&\n  swarm_port: $agent_port/" "$FLEET_INVENTORY" >fleet.yaml
agent=${address[0]}:$agent_port

# ~40 MiB of incompressible data: about 17 s per copy at 20 Mbit/s.
NIX_TEST_BIG_MIB=40 nix_build_test_closure result
closure=$(nix-store -qR result)

ip netns exec "$FLEET_DEPLOYER_NS" "$SHOAL" push -i fleet.yaml --json --staging "$TEST_TMP/staging" \
  --remote-staging "$TEST_TMP/remote" ./result >push.json 2>push.txt &
push_pid=$!
push_running() { kill -0 "$push_pid" 2>/dev/null; }
push_stopped() { ! push_running; }
stop_push() { # SIGTERM stops the controller and its agents within seconds
  kill -TERM "$push_pid" 2>/dev/null || return 0
  wait_for 20 push_stopped || kill -KILL "$push_pid" 2>/dev/null
  wait "$push_pid" 2>/dev/null
}
on_exit stop_push

swarm_up() { # every agent is ready and the deployer's .torrent is written
  push_running || fail "the push ended before its agents were ready: $(tail -n 20 push.txt)"
  (($(jq -c 'select(.event == "agent-ready")' push.json 2>/dev/null | wc -l) == FLEET_HOSTS)) &&
    compgen -G "$TEST_TMP/staging/*/shoal-*.torrent" >/dev/null
}
wait_for 120 swarm_up || fail "the agents were not all ready within 120 s: $(tail -n 20 push.txt)"

# swarm_common.sh's helpers find the intruders' files under the push's torrent name.
torrent=$(compgen -G "$TEST_TMP/staging/*/shoal-*.torrent")
torrent_name=$(basename "$torrent" .torrent)
mapfile -t nars < <(ls "$(dirname "$torrent")/$torrent_name")
((${#nars[@]} == $(wc -l <<<"$closure"))) || fail "the deployer staged ${#nars[@]} NARs, not one per path"
! grep -q "PRIVATE KEY" "$torrent" || fail "the deployer's .torrent holds a private key"

# Verbose: each intruder logs how the agent turned it away.
mkdir -p "$work/plain"
SWARM_PEER_VERBOSE=1 ip netns exec "$FLEET_DEPLOYER_NS" "$SWARM_PEER" plain --torrent "$torrent" \
  --save-path "$work/plain" --listen "$FLEET_DEPLOYER_ADDRESS:7600" --peer "$agent" --duration 8 \
  --result "$work/plain.json" >/dev/null 2>>"$work/plain.log" &
plain_pid=$!
peer_pids+=("$plain_pid")

mkdir -p "$work/other-ca" "$work/intruder"
"$SWARM_PEER" ca --out-dir "$work/other-ca" --name "$torrent_name"
"$SWARM_PEER" issue --ca-dir "$work/other-ca" --host intruder --torrent-name "$torrent_name" --out-dir "$certs"
SWARM_PEER_VERBOSE=1 ip netns exec "$FLEET_DEPLOYER_NS" "$SWARM_PEER" fetch --torrent "$torrent" \
  --save-path "$work/intruder" --listen "$FLEET_DEPLOYER_ADDRESS:7601" --cert-dir "$certs" --host intruder \
  --peer "$agent" --timeout 8 --result "$work/intruder.json" >/dev/null 2>>"$work/intruder.log" &
intruder_pid=$!
peer_pids+=("$intruder_pid")

intruder_got_nothing plain "$plain_pid" 0 "${nars[@]}"
# Exit code 3: it timed out with its files incomplete.
intruder_got_nothing intruder "$intruder_pid" 3 "${nars[@]}"
# Both reached the agent, and its TLS handshake turned them away.
grep -q "$agent.*certificate required" "$work/plain.log" ||
  fail "the agent never refused the plain client: $(tail -n 5 "$work/plain.log")"
grep -q "$agent.*unknown ca" "$work/intruder.log" ||
  fail "the agent never refused the intruder: $(tail -n 5 "$work/intruder.log")"
push_running || fail "the push ended before the intruders were done: they were refused by no agent"

wait_exit "$push_pid" 300
((exit_code == 0)) || fail "the push failed (exit code $exit_code): $(tail -n 30 push.txt)"
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$closure"
done
(($(jq -c 'select(.event == "host-fallback")' push.json | wc -l) == 0)) ||
  fail "a host fell back: $(grep -i fallback push.txt)"
[[ ! -e $torrent ]] || fail "the deployer kept its .torrent after a successful push"
echo "push swarm intruders: ok"
