#!/usr/bin/env bash
# `shoal push` through the swarm to 64 hosts in 2 sites x 4 racks at a low
# rate: every host gets its closure from the swarm (no fallback, no host
# stuck), and the controller's threads, read from /proc while it runs, stay
# a small number that does not grow with the fleet: one loop drives every
# agent, a fixed pool does what blocks, one thread per slice of the deployer.
# Then `push --direct` of another closure to all 64 at once, under the same
# thread limit.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

hosts=64
# Whatever the fleet and --jobs (64 hosts connecting at once, the default):
# the main thread (the loop), the pool (6), the deployer's slice sessions (8
# at most, one thread each); connecting and direct copies run on fibers over
# a few threads.
max_threads=16

# Runs `shoal push ARGS...` in the deployer's namespace as NAME.json and
# NAME.txt, reading the controller's thread count from /proc while it runs;
# fails when the push fails or ran more than max_threads threads.
push_counting_threads() {
  local name=$1 controller threads most_threads=0
  shift
  # Not in_deployer, a function: $! must be the controller itself (ip execs it).
  ip netns exec "$FLEET_DEPLOYER_NS" "$SHOAL" push "$@" >"$name.json" 2>"$name.txt" &
  controller=$!
  on_exit "kill $controller 2>/dev/null || true"
  while kill -0 "$controller" 2>/dev/null; do
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$controller/status" 2>/dev/null || echo 0)
    if ((threads > most_threads)); then
      most_threads=$threads
      # Which threads: named in the failure below.
      cat /proc/$controller/task/*/comm 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ' >threads.txt || true
    fi
    sleep 0.05
  done
  wait "$controller" || fail "$name failed: $(tail -n 30 "$name.txt")"
  echo "$name: the controller ran at most $most_threads threads for $hosts hosts: $(cat threads.txt)"
  ((most_threads > 1)) || fail "$name: no thread count was read from /proc/$controller/status"
  ((most_threads <= max_threads)) ||
    fail "$name: the controller ran $most_threads threads for $hosts hosts, more than $max_threads: $(cat threads.txt)"
}

events() { jq -c "select(.event == \"$2\")" "$1.json"; }

# Every host is done in NAME.json, which has EVENT (path-imported or
# path-copied) once per host and path of CLOSURE, and holds CLOSURE.
assert_every_host_has() {
  local name=$1 event=$2 closure=$3 n
  (($(events "$name" host-done | wc -l) == hosts)) ||
    fail "$name: not every host is done: $(events "$name" host-failed)"
  (($(events "$name" "$event" | wc -l) == hosts * $(wc -l <<<"$closure"))) ||
    fail "$name: $(events "$name" "$event" | wc -l) $event events, not one per host and path"
  for ((n = 1; n <= hosts; n++)); do
    assert_has_closure $n "$closure"
  done
}

nix_test_setup
fleet_start $hosts 10mbit --sites 2 --racks 4
cd "$TEST_TMP"
NIX_TEST_BIG_MIB=2 nix_build_test_closure result
closure=$(nix-store -qR result)

push_counting_threads swarm -i "$FLEET_INVENTORY" --json --staging "$TEST_TMP/staging" \
  --remote-staging "$TEST_TMP/remote" --linger 5 result
[[ -z $(events swarm host-fallback) ]] || fail "hosts fell back: $(events swarm host-fallback)"
[[ -z $(events swarm host-stuck) ]] || fail "hosts were stuck: $(events swarm host-stuck)"
assert_every_host_has swarm path-imported "$closure"
echo "every one of $hosts hosts has the closure, from the swarm"

# Direct copies to every host at once (--jobs 64, the default) run on fibers
# too: a small closure, so that the deployer's 64 copies take seconds.
NIX_TEST_BIG_MIB=0 nix_build_test_closure small
push_counting_threads direct --direct -i "$FLEET_INVENTORY" --json small
assert_every_host_has direct path-copied "$(nix-store -qR small)"
echo "every one of $hosts hosts has the small closure, copied directly"
