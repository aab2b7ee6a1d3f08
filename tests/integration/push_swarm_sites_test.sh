#!/usr/bin/env bash
# `shoal push` through the swarm to two sites behind slow links (fleet-up
# --site-link: each site on its own bridge, joined by a router over 5 Mbit/s
# links; the deployer on its own 20 Mbit/s link to the router). The deployer's
# uplink has room for both sites' links, so it feeds each site itself: each
# site's link carries the closure about once, inbound, nothing goes from one
# site to the other, and every host completes with no stuck host and no
# fallback (each site's slices hold every piece).
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 6 20mbit --sites 2 --racks 1 --site-link 5mbit
cd "$TEST_TMP"

# ~4 MiB of incompressible data: about 7 s over a 5 Mbit/s site link.
NIX_TEST_BIG_MIB=4 nix_build_test_closure result
closure=$(nix-store -qR result)
closure_bytes=$(closure_nar_bytes result)

# The router's veth siteN: what it transmits enters site N, what it receives left it.
router_bytes() { ip netns exec "$FLEET_ROUTER_NS" cat "/sys/class/net/$1/statistics/$2_bytes"; }
counters() {
  echo "$(router_bytes site1 tx) $(router_bytes site2 tx) $(router_bytes site1 rx)" \
    "$(router_bytes site2 rx) $(in_deployer cat /sys/class/net/eth0/statistics/tx_bytes)"
}
read -r into1 into2 out1 out2 deployer <<<"$(counters)"

run_shoal sites push -v -i "$FLEET_INVENTORY" --json --compress none \
  --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" result
((rc == 0)) || fail "the push to two sites failed ($rc): $(tail -n 30 sites.txt)"
read -r into1_after into2_after out1_after out2_after deployer_after <<<"$(counters)"
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure $n "$closure"
done
[[ -z $(jq -c 'select(.event == "host-fallback")' sites.json) ]] ||
  fail "hosts fell back: $(jq -c 'select(.event == "host-fallback")' sites.json)"
! grep -q "is stuck" sites.txt || fail "a host was stuck: $(grep 'is stuck' sites.txt)"
# -v's timeline: the first payload bytes, then the first whole piece checked.
byte_line=$(grep -n "timeline: first byte received" sites.txt | cut -d: -f1)
piece_line=$(grep -n "timeline: first piece verified" sites.txt | cut -d: -f1)
[[ -n $byte_line && -n $piece_line ]] && ((byte_line <= piece_line)) ||
  fail "the timeline lacks the first byte before the first piece: $(grep timeline: sites.txt)"

ratio() { awk -v b="$1" -v s="$closure_bytes" 'BEGIN { printf "%.2f", b / s }'; }
in1=$(ratio $((into1_after - into1))) in2=$(ratio $((into2_after - into2)))
out1=$(ratio $((out1_after - out1))) out2=$(ratio $((out2_after - out2)))
egress=$(ratio $((deployer_after - deployer)))
echo "closure $closure_bytes bytes; into site1 ${in1} x, site2 ${in2} x; out of site1 ${out1} x," \
  "site2 ${out2} x; deployer egress ${egress} x"
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# About one copy into each site (TCP/TLS framing and retransmissions on top)...
for into in "$in1" "$in2"; do
  below 0.95 "$into" && below "$into" 1.6 || fail "a site took in $into x the closure, not about once"
done
# ... and none out of either: no host relays between sites (ACKs and agent reports only).
for out in "$out1" "$out2"; do
  below "$out" 0.25 || fail "a site sent out $out x the closure: a host relayed between sites"
done
below 1.9 "$egress" || fail "the deployer sent $egress x the closure, not one copy per site"
echo "push_swarm_sites_test: ok"
