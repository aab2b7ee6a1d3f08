#pragma once

#include "fleet/closure_diff.hpp"
#include "fleet/host_closures.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"

#include <functional>
#include <string>
#include <vector>

namespace shoal::fleet {

// One host's diff, or why it could not be had.
struct HostDiffResult {
    bool ok = false;
    ClosureDiff diff;
    std::string error;
};

// Diffs every host against its closure, `jobs` hosts at a time, each over
// its own short SSH connection. `on_result` runs (from worker threads, one
// host at a time per thread) as each host's answer comes in.
std::vector<HostDiffResult>
diff_fleet(const std::vector<inventory::Host>& hosts, const HostClosures& closures,
           const RemoteOptions& options, bool substitute, std::size_t jobs,
           const std::function<void(const inventory::Host&, const HostDiffResult&)>& on_result);

} // namespace shoal::fleet
