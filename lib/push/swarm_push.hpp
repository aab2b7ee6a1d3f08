#pragma once

#include "fleet/host_closures.hpp"
#include "inventory/host.hpp"
#include "push/agent_program.hpp"
#include "push/direct_push.hpp"
#include "report/push_reporter.hpp"
#include "swarm/endpoint.hpp"
#include "util/termination_signals.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shoal::push {

struct SwarmPushOptions {
    DirectPushOptions direct;      // SSH, diff and the fallback copy
    AgentProgram agent;            // runs `shoal agent` on a target
    std::filesystem::path staging; // the deployer's NARs and torrent state
    std::string remote_staging = "/var/tmp/shoal";
    std::optional<std::string> listen_address; // default: our address towards the hosts
    std::uint16_t listen_port = 7400;
    unsigned fanout = 4;
    std::uint64_t source_bandwidth_bps = 0; // 0: assume the hosts' own link speed
    bool fallback = true;
    bool keep_cache = false;
    bool low_priority = false;         // peer traffic marked DSCP Lower Effort
    std::uint64_t max_upload_rate = 0; // bytes/s per host (deployer included), 0 for none
    std::uint64_t max_download_rate = 0;
    std::chrono::seconds agent_start_timeout{60};
    std::chrono::seconds stall_timeout{60};
    std::chrono::seconds linger{120};
};

// Pushes through a private BitTorrent swarm of the targets themselves:
// diff every host, plan the fan-out, stage the union of missing NARs once,
// serve them from the deployer in slices, start `shoal agent` on every receiver over
// SSH (first copying the agent program's closure, when it is in the Nix
// store, to receivers that lack it) and tell each whom to connect to.
// Receivers import paths as they complete and re-seed them to later ones. A
// receiver whose agent fails or stalls is finished with a direct copy
// (unless fallback is off).
std::vector<report::HostOutcome> push_swarm(const std::vector<inventory::Host>& hosts,
                                            const fleet::HostClosures& closures,
                                            const SwarmPushOptions& options,
                                            report::PushReporter& reporter,
                                            util::TerminationSignals& signals);

} // namespace shoal::push
