#!/usr/bin/env bash
# `shoal push --max-upload-rate` caps the deployer's swarm upload in all, though
# it serves each fed host's slice from a session of its own; `--max-download-rate`
# caps what each host's agent takes in. Read from the links' byte counters while
# the push runs: the mean rate from the first to the last busy half second must
# stay within the cap plus what libtorrent may save up while idle (three
# seconds of quota) and framing (a margin of a half).
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 4 100mbit
cd "$TEST_TMP"

NIX_TEST_BIG_MIB=8 nix_build_test_closure result
closure=$(nix-store -qR result)
# shellcheck disable=SC2086
nar_bytes=$(nix-store -q --size $closure | awk '{ s += $1 } END { print s }')
cap=500000 # 4 Mbit/s in bytes/s

# sample NAMESPACE COUNTER OUT: the counter of eth0 in NAMESPACE every half
# second ("seconds bytes" lines in OUT), in the background until killed.
sample() {
  while :; do
    echo "$(date +%s.%N) $(ip netns exec "$1" cat "/sys/class/net/eth0/statistics/$2")"
    sleep 0.5
  done >"$3"
}

# busy_rate FILE: bytes/s from the first to the last half second that moved
# more than 20 kB, and the bytes moved then ("RATE BYTES").
busy_rate() {
  awk 'NR > 1 && $2 - bytes > 20000 {
         if (!first) { first = time; from = bytes }
         last = $1; to = $2
       }
       { time = $1; bytes = $2 }
       END { if (last > first) printf "%d %d\n", (to - from) / (last - first), to - from
             else print "0 0" }' "$1"
}

push_sampled() { # push_sampled OUT NAMESPACE COUNTER SHOAL_ARGS...
  local out=$1 namespace=$2 counter=$3 sampler
  shift 3
  sample "$namespace" "$counter" "$out.samples" &
  sampler=$!
  run_shoal "$out" push -i "$FLEET_INVENTORY" --json --compress none "$@" "$(readlink result)"
  kill "$sampler"
  wait "$sampler" || true
  ((rc == 0)) || fail "push $out failed ($rc): $(tail -n 30 "$out.txt")"
  [[ -z $(jq -c 'select(.event == "host-fallback")' "$out.json") ]] ||
    fail "$out: a host fell back: $(jq -c 'select(.event == "host-fallback")' "$out.json")"
}

check_rate() { # check_rate OUT WHAT
  local rate bytes
  read -r rate bytes < <(busy_rate "$1.samples")
  echo "$2: $bytes bytes at $rate bytes/s (cap $cap)"
  ((bytes >= nar_bytes)) || fail "$2 moved $bytes bytes while busy, less than the closure's $nar_bytes"
  ((rate * 2 <= cap * 3)) || fail "$2 sent $rate bytes/s, over the cap of $cap"
}

# 1. Three hosts, each fed a slice by its own session of the deployer: the
# sessions share the cap.
push_sampled upload "$FLEET_DEPLOYER_NS" tx_bytes --max-upload-rate 4mbit --hosts "*-h1,*-h2,*-h3"
for n in 1 2 3; do assert_has_closure $n "$closure"; done
check_rate upload "the deployer's uplink"

# 2. One host capped on its downlink, the deployer not.
push_sampled download "$FLEET_NAME-h4" rx_bytes --max-download-rate 4mbit --hosts "*-h4"
assert_has_closure 4 "$closure"
check_rate download "h4's downlink"

echo "rate limits: ok"
