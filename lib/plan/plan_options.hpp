#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal::plan {

// How many peers one host feeds at first (`--fanout`): K-1 in its own zone,
// where the zone's mesh shares the uploads, plus one in another zone.
// 4 keeps zones shallow (3 children per host: 1,000 hosts in 7 levels) and
// leaves each host one outside stream at its full link; more buys little
// depth, since a level costs only one piece time, and tempts the planner into
// hosts feeding several zones at once. At least 3, or a zone's own tree would
// be a chain.
inline constexpr unsigned default_fanout = 4;

struct PlanOptions {
    unsigned fanout = default_fanout;
    // Whether declared site uplinks may shape the plan (see
    // docs/planning.md); false plans topology-blind, as if no site had one.
    bool respect_site_links = true;
    // The swarm's piece size; the estimate charges one piece per wave.
    // `shoal plan` and `shoal push` pass the torrent's (push::swarm_piece_size).
    std::uint64_t piece_size = 4ULL << 20;
    // Hosts connected and diffed at once (`--jobs`, fleet::default_jobs),
    // which also bounds the threads that start agents: the setup estimate.
    std::size_t jobs = 64;
};

} // namespace shoal::plan
