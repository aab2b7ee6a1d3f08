#pragma once

#include "plan/path_set_pool.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace shoal::plan {

// Stands for the deployer ("@source") wherever a host index is expected.
inline constexpr std::size_t source_node = std::numeric_limits<std::size_t>::max();
inline constexpr std::string_view source_name = "@source";

// One upstream peer of a host and the paths this host takes from it.
struct Parent {
    std::size_t node = source_node; // index into Plan::hosts, or source_node
    PathSetId paths = PathSetPool::empty_set;
    std::uint64_t bytes = 0;
};

struct PlannedHost {
    std::string name;
    std::string site;
    std::string rack;
    std::uint64_t bandwidth_bps = 0;
    // The zone it belongs to (see topology.hpp): hosts of one zone trade
    // pieces freely; pieces leave a zone only along plan edges.
    std::size_t zone = 0;
    unsigned wave = 0;                     // 1 = fed by @source only
    std::size_t tree_parent = source_node; // the topology tree: fan-out and depth
    std::vector<Parent> parents;           // who sends what; empty shares left out
    PathSetId missing = PathSetPool::empty_set;
    // What it downloads: its own missing paths plus, for a zone's entry host,
    // the paths it relays into its zone.
    PathSetId receives = PathSetPool::empty_set;
};

// Bytes that cross each class of link when the plan runs.
struct LinkBytes {
    std::uint64_t deployer_egress = 0; // @source to any host
    std::uint64_t cross_site = 0;      // host to a host of another site
    std::uint64_t cross_rack = 0;      // same site, other rack
    std::uint64_t in_rack = 0;
};

// What a swarm push spends besides moving the bytes at line rate, in
// seconds (see estimate.hpp for the model and where its constants come from).
struct SetupEstimate {
    double connect = 0;     // SSH login and diff of every host, `jobs` at a time
    double agents = 0;      // starting `shoal agent` on every host
    double assignments = 0; // what each host is sent first, through the deployer's link
    double framing = 0;     // headers and retransmissions on top of the transfer's bytes
    double relay = 0;       // a piece's latency at each hop of the deepest chain
    double finish = 0;      // agents stop

    double seconds() const { return connect + agents + assignments + framing + relay + finish; }
};

struct Estimate {
    double swarm_seconds = 0;  // the transfer alone: pipelined closed form, see estimate.hpp
    double direct_seconds = 0; // deployer pushes to every host itself
    SetupEstimate setup;       // the swarm push's other costs
    // The whole swarm push: setup plus transfer. Plans are compared by the
    // transfer alone, which is what their shape changes.
    double total_seconds() const { return setup.seconds() + swarm_seconds; }
};

// A fan-out plan: pure data, ordered so that every host comes after all its
// parents (hosts[i].parents[*].node < i).
struct Plan {
    PathSetPool sets;
    std::vector<PlannedHost> hosts;
    std::uint64_t source_bandwidth_bps = 0;
    std::map<std::string, std::uint64_t> site_uplink_bps; // as declared in the Fleet
    // Sites entered once, their uplink kept to one copy of each byte; empty
    // when labels only bias peer choice (see docs/planning.md).
    std::vector<std::string> separated_sites;
    // Hosts that fetch one slice of the deployer each, as `shoal push` runs
    // it (plan::deployer_slice_hosts): the tree's roots and hosts near them.
    std::vector<std::size_t> deployer_slice_hosts;
    unsigned fanout = 0;
    std::uint64_t piece_size = 0;
    std::size_t jobs = 0;          // hosts connected at once (PlanOptions::jobs)
    unsigned depth = 0;            // deepest wave
    std::uint64_t union_bytes = 0; // bytes needed by anyone: the deployer's minimum egress
    LinkBytes links;
    Estimate estimate;

    std::uint64_t missing_bytes(const PlannedHost& host) const { return sets.bytes(host.missing); }
    std::uint64_t received_bytes(const PlannedHost& host) const {
        return sets.bytes(host.receives);
    }
    const std::string& node_name(std::size_t node) const;
};

} // namespace shoal::plan
