#!/usr/bin/env bash
# `shoal push` through the swarm on a real namespace fleet with 100 Mbit/s
# links: agents (the real shoal binary, started over SSH) re-seed each other,
# so the deployer sends the closure about once; per-host closures share what
# they share; a killed agent's host is finished by a direct copy; an
# interrupted push resumes instead of starting over; and a deployer the hosts
# cannot connect to (as behind NAT) is found out and tunnelled to.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 8 100mbit
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"

# ~24 MiB of incompressible data: about 2 s per copy at 100 Mbit/s.
NIX_TEST_BIG_MIB=24 nix_build_test_closure result
closure=$(nix-store -qR result)
closure_bytes=$(closure_nar_bytes result)

hosts_rx() { # bytes all hosts received so far
  local n total=0
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    total=$((total + $(ip netns exec "$FLEET_NAME-h$n" cat /sys/class/net/eth0/statistics/rx_bytes)))
  done
  echo "$total"
}
agents_running() { # number of `shoal agent` processes in the fleet's host namespaces
  local n count=0
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    count=$((count + $(pids_running "$FLEET_NAME-h$n" " agent" | wc -l)))
  done
  echo "$count"
}
swarm_push() { # swarm_push INVENTORY OUT ARGS...: runs in the background, sets push_pid
  local inventory=$1 out=$2
  shift 2
  in_deployer "$SHOAL" push -i "$inventory" --json \
    --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" --linger 30 \
    "$@" >"$out.json" 2>"$out.txt" &
  push_pid=$!
}
event_count() { jq -c "select($2)" "$1.json" 2>/dev/null | wc -l; }
no_agents_left() { (($(agents_running) == 0)); }
swarm_started() { (($(event_count "$1" '.event == "progress" and .downloaded > 0') > 0)); }
downloaded_over() { # downloaded_over RUN BYTES: the swarm's total progress passed BYTES
  (($(jq -s '[.[] | select(.event == "progress") | .downloaded] | max // 0' "$1.json") > $2))
}
controller_gone() { ! kill -0 "$controller" 2>/dev/null; }
push_pid=""
on_exit '[[ -z $push_pid ]] || kill "$push_pid" 2>/dev/null || true'
fallbacks() { jq -c 'select(.event == "host-fallback")' "$1.json"; } # with their reasons

# 1. Eight hosts: everyone gets the closure; the deployer sends it about once.
tx_before=$(deployer_tx)
swarm_push "$FLEET_INVENTORY" all result
wait "$push_pid" || fail "swarm push failed: $(tail -n 30 all.txt)"
tx=$(($(deployer_tx) - tx_before))
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$closure"
done
(($(event_count all '.event == "host-fallback"') == 0)) || fail "a host fell back: $(fallbacks all)"
(($(event_count all '.event == "path-imported"') == 8 * $(wc -l <<<"$closure"))) ||
  fail "not every path was imported by an agent"
jq -s -e --argjson n $((8 * $(wc -l <<<"$closure"))) \
  '[.[] | select(.event == "progress")] | last | .imported_paths == $n and .paths == $n' \
  all.json >/dev/null || fail "the last progress event does not count every path imported"
grep -q "paths imported" all.txt || fail "no progress line counts the paths imported: $(head all.txt)"
echo "deployer sent $tx bytes for a closure of $closure_bytes bytes to 8 hosts"
((tx * 10 <= closure_bytes * 13)) || fail "the deployer sent $tx bytes: more than 1.3 x $closure_bytes"
wait_for 10 no_agents_left || fail "agents still run after the push"
[[ -z $(find "$TEST_TMP/remote" -mindepth 1 -maxdepth 2 2>/dev/null) ]] ||
  fail "agents left staging behind: $(find "$TEST_TMP/remote" | head)"

# 2. Different closures sharing a large path: it leaves the deployer once.
NIX_TEST_BIG_MIB=24 nix_build_test_closure shared
note=$(nix-store -qR shared | grep -- '-shoal-test-note$')
data=$(nix-store -qR shared | grep -- '-shoal-test-data$')
data_bytes=$(nix path-info --size "$data" | awk '{print $2}')
cat >per-host.yaml <<EOT
defaults: {user: root, identity: $FLEET_IDENTITY, known_hosts: $FLEET_KNOWN_HOSTS}
hosts:
  h1: {address: ${address[0]}, closure: $(readlink shared)}
  h2: {address: ${address[1]}, closure: $note}
EOT
tx_before=$(deployer_tx)
swarm_push per-host.yaml shared
wait "$push_pid" || fail "per-host swarm push failed: $(tail -n 30 shared.txt)"
tx=$(($(deployer_tx) - tx_before))
(($(event_count shared '.event == "host-fallback"') == 0)) ||
  fail "a host fell back: $(fallbacks shared)"
assert_has_closure 1 "$(nix-store -qR shared)"
assert_has_closure 2 "$(nix-store -qR "$note")"
union_bytes=$(closure_nar_bytes shared)
echo "deployer sent $tx bytes; union $union_bytes, shared path $data_bytes"
((tx * 10 <= union_bytes * 13)) ||
  fail "the shared path left the deployer more than once ($tx bytes): $(grep -v '^  ' shared.txt)"

# 3. Killing one agent mid-transfer: the others finish, that host by a direct copy.
NIX_TEST_BIG_MIB=48 nix_build_test_closure third
swarm_push "$FLEET_INVENTORY" kill third
wait_for 60 swarm_started kill ||
  fail "no swarm progress: $(tail kill.txt)"
victim=$(pids_running "$FLEET_NAME-h3" " agent")
[[ -n $victim ]] || fail "no agent runs on h3"
kill -KILL "$victim"
wait "$push_pid" || fail "the push with a killed agent failed: $(tail -n 30 kill.txt)"
jq -s -e 'any(.[]; .event == "host-fallback" and .host == "'"$FLEET_NAME"'-h3")' kill.json >/dev/null ||
  fail "h3 did not fall back: $(grep -v '^  ' kill.txt | tail -n 20)"
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$(nix-store -qR third)"
done

# 4. Interrupting the controller: agents stop; a rerun moves only what is missing.
NIX_TEST_BIG_MIB=48 nix_build_test_closure fourth
fourth_bytes=$(closure_nar_bytes fourth)
rx_before=$(hosts_rx)
swarm_push "$FLEET_INVENTORY" first fourth
wait_for 120 downloaded_over first $((fourth_bytes * FLEET_HOSTS / 4)) ||
  fail "the first run did not get a quarter through"
# SIGTERM, as a CI runner sends it (background jobs of a script ignore SIGINT).
controller=$(pids_running "$FLEET_DEPLOYER_NS" " push ")
[[ -n $controller ]] || fail "no controller process found"
kill -TERM $controller
wait_for 15 controller_gone || fail "the controller did not stop on SIGINT"
wait "$push_pid" && fail "an interrupted push exited 0"
wait_for 15 no_agents_left || fail "agents still run after the interrupt"
rx_first=$(($(hosts_rx) - rx_before))
swarm_push "$FLEET_INVENTORY" rerun fourth
wait "$push_pid" || fail "the rerun failed: $(tail -n 30 rerun.txt)"
rx_rerun=$(($(hosts_rx) - rx_before - rx_first))
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$(nix-store -qR fourth)"
done
needed=$((fourth_bytes * FLEET_HOSTS))
echo "hosts received $rx_first + $rx_rerun bytes for $needed needed"
# The first run moved over a quarter of what was needed: starting over would
# make both runs together move at least 1.25 x the need plus overhead;
# resuming moves it about once (+ protocol overhead).
(((rx_first + rx_rerun) * 10 <= needed * 12)) ||
  fail "the runs moved $rx_first + $rx_rerun bytes for $needed needed: the rerun did not resume"

# 5. The deployer listens where the hosts have no route to (as a laptop behind
# NAT: it reaches them, they cannot reach it). Found out before the swarm
# starts; the fed hosts get the deployer's slices through SSH, and nobody
# waits out a stall or falls back.
nix_build_test_closure fifth
in_deployer ip addr add 198.51.100.7/32 dev lo
swarm_push "$FLEET_INVENTORY" natted --listen 198.51.100.7 fifth
wait "$push_pid" || fail "the push from behind 'NAT' failed: $(tail -n 30 natted.txt)"
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$(nix-store -qR fifth)"
done
[[ -z $(jq -c 'select(.event == "host-fallback")' natted.json) ]] ||
  fail "hosts fell back: $(jq -c 'select(.event == "host-fallback")' natted.json)"
jq -se 'any(.[]; .event == "swarm-mode" and .mode == "tunnelled" and (.how | test("cannot connect to it at 198.51.100.7")))' \
  natted.json >/dev/null || fail "the push did not find the hosts cut off: $(grep swarm: natted.txt)"
grep "swarm:" natted.txt | tail -n 1
echo "push_swarm_test: ok"
