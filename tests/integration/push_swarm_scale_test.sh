#!/usr/bin/env bash
# `shoal push` through the swarm to 64 hosts in 2 sites x 4 racks at a low
# rate: every host gets its closure from the swarm (no fallback, no host
# stuck), and the controller's threads, read from /proc while it runs, stay
# a small number that does not grow with the fleet: one loop drives every
# agent, a fixed pool does what blocks, one thread per slice of the deployer.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

hosts=64
# Whatever the fleet and --jobs (64 hosts connecting at once, the default):
# the main thread (the loop), the pool (6), the deployer's slice sessions (8
# at most, one thread each); connecting runs on fibers over a few threads.
max_threads=16

nix_test_setup
fleet_start $hosts 10mbit --sites 2 --racks 4
cd "$TEST_TMP"
NIX_TEST_BIG_MIB=2 nix_build_test_closure result
closure=$(nix-store -qR result)

# Not in_deployer, a function: $! must be the controller itself (ip execs it).
ip netns exec "$FLEET_DEPLOYER_NS" "$SHOAL" push -i "$FLEET_INVENTORY" --json \
  --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" --linger 5 \
  result >push.json 2>push.txt &
controller=$!
on_exit "kill $controller 2>/dev/null || true"
most_threads=0
while kill -0 "$controller" 2>/dev/null; do
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$controller/status" 2>/dev/null || echo 0)
  if ((threads > most_threads)); then
    most_threads=$threads
    # Which threads: named in the failure below.
    cat /proc/$controller/task/*/comm 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ' >threads.txt || true
  fi
  sleep 0.05
done
wait "$controller" || fail "the push failed: $(tail -n 30 push.txt)"
echo "the controller ran at most $most_threads threads for $hosts hosts: $(cat threads.txt)"
((most_threads > 1)) || fail "no thread count was read from /proc/$controller/status"
((most_threads <= max_threads)) ||
  fail "the controller ran $most_threads threads for $hosts hosts, more than $max_threads: $(cat threads.txt)"

events() { jq -c "select(.event == \"$1\")" push.json; }
[[ -z $(events host-fallback) ]] || fail "hosts fell back: $(events host-fallback)"
[[ -z $(events host-stuck) ]] || fail "hosts were stuck: $(events host-stuck)"
(($(events host-done | wc -l) == hosts)) || fail "not every host is done: $(events host-failed)"
(($(events path-imported | wc -l) == hosts * $(wc -l <<<"$closure"))) ||
  fail "not every path was imported by an agent"
for ((n = 1; n <= hosts; n++)); do
  assert_has_closure $n "$closure"
done
echo "every one of $hosts hosts has the closure, from the swarm"
