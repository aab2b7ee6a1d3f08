#pragma once

#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"

#include <boost/program_options.hpp>
#include <vector>

namespace shoal::cmd {

namespace po = boost::program_options;

// -i/--inventory plus the host selection: which targets a command works on.
po::options_description target_options();

// Loads the inventory and applies the selection; UsageError when -i is missing.
std::vector<inventory::Host> selected_hosts(const po::variables_map& values);

// --connect-timeout, --io-timeout, --accept-new-host-keys, --remote-nix-store:
// how to reach the targets over SSH.
po::options_description remote_options();
fleet::RemoteOptions remote_options_from(const po::variables_map& values);

} // namespace shoal::cmd
