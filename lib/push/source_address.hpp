#pragma once

#include <string>

namespace shoal::push {

// The address of this machine that packets to `target` leave from: where
// targets can reach the deployer's swarm. Asks the kernel's routing (a UDP
// socket's connect sends nothing).
std::string local_address_towards(const std::string& target);

} // namespace shoal::push
