#pragma once

#include "fleet/closure_diff.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "nix/path_info.hpp"
#include "report/push_reporter.hpp"
#include "ssh/connector.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shoal::push {

// What a direct copy has moved to one host so far.
struct CopiedTotals {
    std::size_t paths = 0;
    std::uint64_t bytes = 0; // NAR bytes
};

// One host's store, filled straight from the deployer's: one diff round
// trip, then each missing path in dependency order, its NAR streamed from a
// local DumpStorePath into the target's AddToStoreNar (the target checks
// hash and size before it registers anything). Throws on any failure.
class DirectCopy {
public:
    // Connects to the host's `nix-store --serve --write` (reported as host-connected).
    DirectCopy(ssh::Connector& connector, const inventory::Host& host,
               const fleet::RemoteOptions& remote, report::PushReporter& reporter);
    // Copies over a store connected already (the push's own connection to the host).
    DirectCopy(fleet::RemoteStore& target, const inventory::Host& host,
               report::PushReporter& reporter);

    // What the host lacks of `closure`; with `substitute`, the host first
    // fetches what its own substituters have.
    fleet::ClosureDiff diff(const std::vector<nix::PathInfo>& closure, bool substitute);

    // Copies `missing` (dependencies first), reporting each path and adding
    // it to `copied` as soon as the host has it, so a failure leaves the
    // totals of what did arrive.
    void copy(const std::vector<nix::PathInfo>& missing, CopiedTotals& copied);

    // Removes what a failed agent left on the host: its staging directory
    // (`<base>/<deployment>/<host>`), and the deployment's directory once no
    // other agent's is left in it. Logs a failure rather than throwing: the
    // host has its closure all the same.
    void remove_agent_staging(const std::string& staging);

private:
    std::string host_name_;
    report::PushReporter& reporter_;
    std::unique_ptr<fleet::RemoteStore> own_target_; // null when the store is borrowed
    fleet::RemoteStore& target_;
};

} // namespace shoal::push
