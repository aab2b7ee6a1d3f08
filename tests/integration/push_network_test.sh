#!/usr/bin/env bash
# What `shoal push`'s network options put on the links of a 4-host fleet:
#   1. --max-upload-rate caps the deployer's swarm upload in all, though it
#      serves each fed host's slice from a session of its own;
#   2. --max-download-rate caps what a host's agent takes in;
#   3. --low-priority marks the swarm's packets, the deployer's and the
#      hosts', DSCP Lower Effort: all but an outgoing connection's TCP and TLS
#      handshakes, which libtorrent sends before it marks the socket (at most
#      8 KiB of them per connection here).
# Rates are read from the links' byte counters while the push runs: the mean
# from the first to the last busy half second must stay within the cap plus
# what libtorrent may save up while idle (three seconds of quota) and framing
# (a margin of a half). Marks are read from tcpdump captures.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 4 100mbit
cd "$TEST_TMP"

NIX_TEST_BIG_MIB=8 nix_build_test_closure result
closure=$(nix-store -qR result)
nar_bytes=$(closure_nar_bytes result)
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

# 3. --low-priority to h1 and h2, capturing the swarm's packets (TCP but not
# SSH) on the deployer's link and on h1's.
NIX_TEST_BIG_MIB=2 nix_build_test_closure low
capture() { # capture NAMESPACE OUT: tcpdump in the background, $! its pid
  ip netns exec "$1" tcpdump -i eth0 -nn -U -s 64 -w "$2" 'tcp and not port 22' 2>"$2.log" &
}
capture "$FLEET_DEPLOYER_NS" deployer.pcap
deployer_capture=$!
capture "$FLEET_NAME-h1" h1.pcap
h1_capture=$!
on_exit "kill $deployer_capture $h1_capture 2>/dev/null || true"
both_listening() { grep -q "listening on" deployer.pcap.log && grep -q "listening on" h1.pcap.log; }
wait_for 10 both_listening || fail "tcpdump did not start: $(cat deployer.pcap.log h1.pcap.log)"
run_shoal marked push -i "$FLEET_INVENTORY" --json --low-priority --hosts "*-h1,*-h2" "$(readlink low)"
kill -INT "$deployer_capture" "$h1_capture"
wait "$deployer_capture" "$h1_capture" || true
((rc == 0)) || fail "the low-priority push failed ($rc): $(tail -n 30 marked.txt)"
for n in 1 2; do assert_has_closure $n "$(nix-store -qR low)"; done
lower_effort='(ip[1] & 0xfc) == 0x04' # DSCP 1 in the TOS byte's upper six bits
# unmarked_bytes CAPTURE: the most TCP payload any one connection sent unmarked
# ("TIME IP A.PORT > B.PORT: tcp LENGTH" lines of tcpdump -q, both directions).
unmarked_bytes() {
  tcpdump -r "$1" -nn -q "not ($lower_effort)" 2>/dev/null | awk '
    { sub(/:$/, "", $5); key = ($3 < $5) ? $3 " " $5 : $5 " " $3; sent[key] += $NF }
    END { for (k in sent) if (sent[k] > most) most = sent[k]; print most + 0 }'
}
for capture in deployer h1; do
  marked=$(tcpdump -r "$capture.pcap" -nn "$lower_effort" 2>/dev/null | wc -l)
  unmarked=$(tcpdump -r "$capture.pcap" -nn "not ($lower_effort)" 2>/dev/null | wc -l)
  most=$(unmarked_bytes "$capture.pcap")
  echo "$capture: $marked swarm packets marked Lower Effort, $unmarked not (at most $most bytes of payload per connection)"
  ((marked > 100)) || fail "$capture's link carried only $marked marked swarm packets"
  ((most <= 8192)) || fail "a connection on $capture's link sent $most bytes unmarked: $(
    tcpdump -r "$capture.pcap" -nn -q "not ($lower_effort)" 2>/dev/null | head -n 20)"
done

echo "push network options: ok"
