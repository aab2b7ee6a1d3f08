#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::plan {

// Enough TCP streams to fill the deployer's uplink though each needs only a
// share of it; few enough that its slice sessions stay cheap.
inline constexpr std::size_t max_deployer_slices = 8;

// The hosts that fetch a slice of the deployer each (push::slice_pieces):
// the tree's roots (one per zone the deployer feeds), then hosts of their
// zones, rack-mates first, each zone an equal part of the slices. The
// deployer's bytes enter each zone as they would through the tree, but spread
// over several hosts, none of which has to pass everything on by itself, and
// every byte still leaves the deployer once per zone it feeds.
std::vector<std::size_t> deployer_slice_hosts(const Plan& plan);

// A host that fetches a slice gets it as one TCP flow among those of all its
// peers: with a dozen of them, that flow has a dozen-th of the host's link,
// and the deployer's uplink, whose bytes no one else has yet, idles. While
// its slice is incomplete, its other peers together are held to a share of
// what the slice leaves of the link (the link less the slice's share of the
// deployer's uplink), yet never below a tenth of the link (bits per second;
// 0: no hold, for want of a slice or a link speed). The share is nine tenths
// (a tenth kept for TCP/IP and TLS overhead and for the slice's flow to grow
// into) where fed hosts are more than a quarter of the receivers: there the
// trade among them is most of the push. Where they are fewer, the rest of the
// fleet waits on the deployer's bytes they relay, so the share is a half.
// Where every receiver is fed, no hold (0): each host's peers then send it
// only what the deployer sent them, and the limit, whose quota libtorrent
// fills from empty, kept 2-host pushes from trading for their first 1.5 s.
std::uint64_t peer_limit_while_fed(std::uint64_t host_bps, std::uint64_t deployer_bps,
                                   std::size_t slices, std::size_t receivers);

} // namespace shoal::plan
