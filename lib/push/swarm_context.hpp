#pragma once

#include "fleet/host_closures.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "nix/nar_file.hpp"
#include "nix/path_info.hpp"
#include "push/swarm_coordinator.hpp"
#include "push/swarm_push.hpp"
#include "report/push_reporter.hpp"
#include "ssh/connector.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/torrent_builder.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shoal::push {

class SourceTunnels;

// A host that lacks something, with what it lacks.
struct Receiver {
    const inventory::Host* host = nullptr;
    fleet::RemoteStore* store = nullptr; // the push's own connection to it
    std::vector<nix::PathInfo> missing;  // dependencies first
    std::uint64_t missing_bytes = 0;
    std::vector<std::string> relay_files;   // fetched only to pass on, per the plan
    std::string system;                     // the Nix system it runs; empty: not known
    const AgentProgram* agent = nullptr;    // the one for its system; null: none runs there
    ReceiverRoute route;                    // its peers, and its slice of the deployer if fed
    std::uint64_t peer_limit_while_fed = 0; // bytes per second, agent::Assignment's
    swarm::CertificateAndKey certificate;   // its ticket into the swarm
};

// Everything one push's swarm shares.
struct SwarmContext {
    std::chrono::steady_clock::time_point start; // of the push: the timeline counts from here
    const SwarmPushOptions& options;
    DirectPushOptions fallback; // options.direct, with the SSH compression chosen for fallbacks
    const fleet::HostClosures& closures;
    report::PushReporter& reporter;
    ssh::Connector& connector;
    std::string key;                 // the deployment's, in staging paths and the torrent's name
    nix::NarCompression compression; // of the staged NARs, which their file names say
    swarm::CertificateAuthority ca;
    swarm::BuiltTorrent torrent;          // once staged
    std::vector<swarm::Endpoint> sources; // one per slice of the deployer; together, every piece
    // The closure of each agent program in the store, by its store path.
    std::map<std::string, std::vector<nix::PathInfo>> agent_closures;
    // Set while the swarm runs tunnelled: how each host reaches the deployer's slices.
    const SourceTunnels* tunnels = nullptr;
    // Who is at an address: to name, and expel, a peer that an agent banned.
    struct HostAt {
        std::string name;
        std::optional<std::size_t> receiver;
    };
    std::map<std::string, HostAt> host_by_address;
};

} // namespace shoal::push
