#pragma once

#include "inventory/host.hpp"

#include <optional>
#include <string>
#include <vector>

namespace shoal::push {

// The address of this machine that packets to `target` leave from: where
// targets can reach the deployer's swarm. Asks the kernel's routing (a UDP
// socket's connect sends nothing).
std::string local_address_towards(const std::string& target);

// How the hosts reach the deployer's swarm.
struct SwarmReach {
    bool tunnel = false; // through SSH (see SourceTunnels), not by connecting here
    std::string address; // where the deployer's seeders listen (127.0.0.1 when tunnelled)
    std::string how;     // a sentence for the summary
};

// `listen` (--listen) if given; tunnelled if `tunnel` (--tunnel), or when
// the hosts are behind a bastion that this machine has no route past (they
// cannot connect back either); else the address packets to the first host
// leave from, with a warning when hosts behind a bastion may not reach it.
SwarmReach swarm_reach(const std::vector<const inventory::Host*>& hosts,
                       const std::optional<std::string>& listen, bool tunnel);

} // namespace shoal::push
