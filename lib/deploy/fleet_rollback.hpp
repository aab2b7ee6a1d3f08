#pragma once

#include "deploy/deployment.hpp"
#include "inventory/host.hpp"
#include "report/push_reporter.hpp"

#include <vector>

namespace shoal::deploy {

// `shoal rollback`: on every host, its profile goes one generation back
// (`nix-env --rollback`) and, with an activation command, that generation's
// closure is activated again; all hosts in parallel. Throws UsageError before
// contacting anyone when a host has no profile. A failing host never stops
// the others.
std::vector<report::HostOutcome> roll_back_fleet(const std::vector<inventory::Host>& hosts,
                                                 const DeployOptions& options,
                                                 report::PushReporter& reporter);

} // namespace shoal::deploy
