#pragma once

#include "inventory/host.hpp"
#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace shoal::fleet {

// The closure each host should end up with, read from the deployer's store:
// the host's own `closure:` from the inventory, or else the command's paths.
// Hosts sharing roots share one closure, computed once.
class HostClosures {
public:
    // Throws UsageError for a host with no closure at all, naming it, and
    // for a root the local store does not have. Pins the roots (and so
    // their closures) with temporary GC roots for as long as `local_store`
    // runs, so that no garbage collection on the deployer deletes them.
    HostClosures(nix::ServeConnection& local_store, const std::vector<inventory::Host>& hosts,
                 const std::vector<std::string>& command_paths);

    // Dependencies first: the order in which a store can import them.
    const std::vector<nix::PathInfo>& closure_of(const std::string& host_name) const;

    // The store paths whose closure the host gets.
    const std::set<std::string>& roots_of(const std::string& host_name) const;

    // Every path any host needs, each once.
    std::vector<nix::PathInfo> all_paths() const;

private:
    std::map<std::set<std::string>, std::vector<nix::PathInfo>> closures_by_roots_;
    std::map<std::string, const std::vector<nix::PathInfo>*> closure_by_host_;
    std::map<std::string, const std::set<std::string>*> roots_by_host_;
};

} // namespace shoal::fleet
