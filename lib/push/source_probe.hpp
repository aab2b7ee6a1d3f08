#pragma once

#include "push/swarm_context.hpp"
#include "swarm/endpoint.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace shoal::push {

// Whether a host can open TCP connections to the deployer: a laptop behind
// NAT or a deployer outside the fleet's network has a route to the hosts but
// none back. Found out before the swarm starts, with one command per host the
// deployer feeds, on the push's own connection to it.

// The shell command that connects from the host to `endpoint` (bash's
// /dev/tcp, bounded by `timeout`). Nothing need listen there yet: a refusal
// proves the way open.
std::string connect_probe_command(const swarm::Endpoint& endpoint, std::chrono::seconds timeout);

enum class ProbeVerdict { reachable, cut_off, unknown };

// What the probe's exit status and stderr say.
ProbeVerdict probe_verdict(int exit_status, const std::string& error_output);

// The receivers among `fed` that cannot connect to their slice of the
// deployer (sources[route.slice]), with why; probed in parallel, `jobs` at
// once. A host where the probe cannot run (no bash) counts as reachable.
struct CutOff {
    std::size_t receiver = 0;
    std::string why;
};
std::vector<CutOff> probe_fed_hosts(const std::vector<Receiver>& receivers,
                                    const std::vector<std::size_t>& fed,
                                    const std::vector<swarm::Endpoint>& sources, std::size_t jobs,
                                    std::chrono::seconds timeout);

} // namespace shoal::push
