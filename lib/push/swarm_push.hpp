#pragma once

#include "fleet/host_closures.hpp"
#include "fleet/host_connections.hpp"
#include "inventory/host.hpp"
#include "io/termination_signals.hpp"
#include "plan/plan_options.hpp"
#include "push/agent_program.hpp"
#include "push/compression_choice.hpp"
#include "push/direct_push.hpp"
#include "push/nar_cache.hpp"
#include "report/push_reporter.hpp"
#include "swarm/endpoint.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::push {

// The defaults of `shoal push`'s flags, here so that a push made in code
// behaves as one made on the command line.
inline constexpr std::string_view default_remote_staging = "/var/tmp/shoal";
inline constexpr std::chrono::seconds default_stall_timeout{60};
inline constexpr std::chrono::seconds default_linger{600};

struct SwarmPushOptions {
    DirectPushOptions direct; // SSH, diff and the fallback copy
    // What runs `shoal agent` on a target, at most one per system; the first
    // goes where the system is not known.
    std::vector<AgentProgram> agents;
    // Ask each host without `system:` what it runs (`uname -sm`), to choose
    // its agent: when agents for other systems than ours were given.
    bool ask_systems = false;
    std::filesystem::path staging; // the deployer's NARs and torrent state
    // What the NAR cache under `staging` may hold; 0 keeps no NARs across pushes.
    std::uint64_t nar_cache_bytes = default_nar_cache_bytes;
    std::string remote_staging{default_remote_staging};
    std::optional<std::string> listen_address; // default: our address towards the hosts
    // The hosts cannot connect to this machine: the deployer's slices reach
    // them through SSH tunnels (see SourceTunnels). Also chosen by itself
    // when hosts behind a bastion have no route back.
    bool tunnel = false;
    std::uint16_t listen_port = inventory::default_swarm_port;
    unsigned fanout = plan::default_fanout;
    // How the staged NARs travel: auto compresses when a link is slower than
    // the deployer compresses (see choose_compression).
    CompressionMode compression = CompressionMode::automatic;
    std::uint64_t source_bandwidth_bps = 0; // 0: assume the hosts' own link speed
    bool fallback = true;
    bool keep_cache = false;
    bool low_priority = false;         // peer traffic marked DSCP Lower Effort
    std::uint64_t max_upload_rate = 0; // bytes/s per host (deployer included), 0 for none
    std::uint64_t max_download_rate = 0;
    std::chrono::seconds agent_start_timeout{60};
    std::chrono::seconds stall_timeout = default_stall_timeout;
    std::chrono::seconds linger = default_linger;
};

// Pushes through a private BitTorrent swarm of the targets themselves: from
// what each host lacks (per `connections`), plan the fan-out, stage the union
// of missing NARs once, serve them from the deployer in slices, start `shoal
// agent` on every receiver over its connection (first copying the agent
// program's closure, when it is in the Nix store, to receivers that lack it)
// and tell each whom to connect to.
// Receivers import paths as they complete and re-seed them to later ones. A
// receiver whose agent fails or stalls is finished with a direct copy
// (unless fallback is off).
std::vector<report::HostOutcome> push_swarm(fleet::HostConnections& connections,
                                            const fleet::HostClosures& closures,
                                            const SwarmPushOptions& options,
                                            report::PushReporter& reporter,
                                            io::TerminationSignals& signals);

} // namespace shoal::push
