#pragma once

#include "push/swarm_context.hpp"
#include "ssh/connector.hpp"
#include "ssh/forwarder.hpp"
#include "swarm/endpoint.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace shoal::push {

// `peers` as a host sees them when it cannot connect to this machine: each
// of the deployer's `sources` replaced by the host's own tunnel to it
// (`tunnels[k]` for sources[k]), or left out when the host has none.
std::vector<swarm::Endpoint> through_tunnels(const std::vector<swarm::Endpoint>& peers,
                                             const std::vector<swarm::Endpoint>& sources,
                                             const std::vector<swarm::Endpoint>& tunnels);

// The deployer's slices for hosts that cannot connect to it (--tunnel, or
// hosts behind a bastion with no route back): each fed host gets an SSH
// session of its own that listens on its loopback, one port per slice, and
// brings what connects there to that slice's seeder here (ssh -R). The
// hosts still exchange pieces directly with each other.
class SourceTunnels {
public:
    // Sets the tunnels up for the receivers `fed`, in parallel (`jobs` at
    // once). A host whose tunnels fail is left without (logged): its agent
    // then stalls and the push falls back to a direct copy for it.
    SourceTunnels(ssh::Connector& connector, const std::vector<Receiver>& receivers,
                  const std::vector<std::size_t>& fed, const std::vector<swarm::Endpoint>& sources,
                  const fleet::RemoteOptions& remote, std::size_t jobs);

    // `peers` for receiver `receiver`: see through_tunnels.
    std::vector<swarm::Endpoint> reachable(std::size_t receiver,
                                           const std::vector<swarm::Endpoint>& peers) const;

private:
    std::vector<swarm::Endpoint> sources_;
    std::vector<std::vector<swarm::Endpoint>> tunnels_; // [receiver][slice], empty if none
    std::vector<std::unique_ptr<ssh::RemoteForwarding>> forwarders_;
};

} // namespace shoal::push
