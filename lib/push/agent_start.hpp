#pragma once

#include "agent/messages.hpp"
#include "push/agent_connection.hpp"
#include "push/agent_program.hpp"
#include "push/swarm_context.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shoal::push {

// The closure of each agent program's store path, read once for all hosts.
// A program whose closure cannot be read is left out: hosts that lack it
// cannot start an agent (and fall back to a direct copy); the push goes on.
std::map<std::string, std::vector<nix::PathInfo>>
agent_closures(const std::vector<AgentProgram>& agents);

// Where the host's agent keeps its downloads: `<remote staging>/<deployment>/<host>`.
std::string agent_staging(const SwarmContext& context, const inventory::Host& host);

// What the receiver's agent is told to fetch, import and serve.
agent::Assignment assignment_for(const SwarmContext& context, const Receiver& receiver);

// Gets the receiver's agent running on its connection: copies shoal's own
// closure there first if it lacks it, then starts `shoal agent` (which checks
// that its download fits its staging file system once it has its
// assignment). Blocks on the host, so it runs beside the event loop; throws
// util::Error naming what failed.
std::unique_ptr<AgentConnection> start_agent(const SwarmContext& context, const Receiver& receiver);

} // namespace shoal::push
