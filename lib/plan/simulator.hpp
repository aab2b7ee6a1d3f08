#pragma once

#include "plan/plan.hpp"

#include <cstdint>
#include <vector>

namespace shoal::plan {

struct SimulationOptions {
    std::uint64_t piece_size = 4ULL << 20;     // pieces never span two store paths
    std::size_t rack_neighbours_each_side = 3; // see mesh_peers.hpp
};

struct SimulationResult {
    std::uint64_t piece_size = 0;
    std::uint64_t pieces = 0;    // distinct pieces anyone needs
    std::uint64_t transfers = 0; // piece transfers played
    std::uint64_t source_egress_bytes = 0;
    double total_seconds = 0;         // last host done
    std::vector<double> host_seconds; // per Plan::hosts entry
    std::vector<double> wave_seconds; // [w-1]: last host of wave w done
};

// Plays the plan piece by piece. Every host uploads to its plan children
// (only the paths the plan assigns to that edge) and to its mesh peers (any
// piece they lack, see mesh_peers.hpp): plan children in other zones first,
// then plan children in its zone, then mesh peers. A host forwards a piece as
// soon as it holds it. A transfer runs at min(sender's free upload, receiver's free download)
// and keeps that rate; a new one starts only while at least a quarter of the
// smaller link is free, so equal links serialize (the same throughput as
// sharing the link, with pieces finishing sooner, as BitTorrent's request
// pipelining does). Senders prefer pieces they have not sent yet, and the
// deployer never sends a piece twice. Latency is ignored.
SimulationResult simulate(const Plan& plan, const SimulationOptions& options);

} // namespace shoal::plan
