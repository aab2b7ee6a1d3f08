#pragma once

#include "fleet/host_closures.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "report/push_reporter.hpp"
#include "ssh/library.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace shoal::push {

struct DirectPushOptions {
    fleet::RemoteOptions remote;
    bool substitute_on_destination = false;
    std::size_t jobs = fleet::default_jobs; // hosts worked on at once
};

// A direct copy that finishes a host whose agent failed.
struct Fallback {
    std::string agent_staging; // the failed agent's downloads, removed once the host is done
    std::chrono::steady_clock::time_point host_start; // when the host's push began
};

// Copies one host's missing paths straight from the deployer's store: one
// diff round trip, then each missing path in dependency order. Never throws:
// a failure is in the outcome (and reported). As a `fallback`, the outcome
// says so and counts the host's time from its start.
report::HostOutcome push_host_direct(const ssh::Library& ssh_library, const inventory::Host& host,
                                     const std::vector<nix::PathInfo>& closure,
                                     const DirectPushOptions& options,
                                     report::PushReporter& reporter,
                                     const std::optional<Fallback>& fallback = std::nullopt);

// Copies each host's missing paths straight from the deployer's store, every
// host in parallel: per host one diff round trip, then each missing path in
// dependency order, its NAR streamed from a local DumpStorePath into the
// target's AddToStoreNar (the target checks hash and size before it
// registers anything). A host that fails never stops the others.
std::vector<report::HostOutcome> push_direct(const std::vector<inventory::Host>& hosts,
                                             const fleet::HostClosures& closures,
                                             const DirectPushOptions& options,
                                             report::PushReporter& reporter);

} // namespace shoal::push
