#pragma once

#include "fleet/host_closures.hpp"
#include "fleet/host_connections.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "push/compression_choice.hpp"
#include "report/push_reporter.hpp"
#include "ssh/connector.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
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

// Connects to every host (see fleet::HostConnections), which pins its
// closure and diffs it, and reports each host as soon as it answers. Raises
// the limit on open files to fit a connection per host, or throws saying so.
std::unique_ptr<fleet::HostConnections> connect_hosts(const std::vector<inventory::Host>& hosts,
                                                      const fleet::HostClosures& closures,
                                                      const DirectPushOptions& options,
                                                      report::PushReporter& reporter);

// Whether a `--direct` push compresses its SSH connections to `hosts`, as
// choose_ssh_compression decides from their links for `mode` (logged).
bool compress_direct_connections(const std::vector<inventory::Host>& hosts, CompressionMode mode);

// The outcome of a host that `connections` could not reach, reported.
report::HostOutcome unreached_outcome(const fleet::HostConnections& connections, std::size_t host,
                                      report::PushReporter& reporter);

// Finishes a host whose agent failed with a direct copy from the deployer's
// store, over a connection of its own: one diff round trip, then each missing
// path in dependency order; then removes the agent's downloads. Never throws:
// a failure is in the outcome (and reported), which counts the host's time
// from its start.
report::HostOutcome push_host_direct(ssh::Connector& connector, const inventory::Host& host,
                                     const std::vector<nix::PathInfo>& closure,
                                     const DirectPushOptions& options,
                                     report::PushReporter& reporter, const Fallback& fallback);

// Copies each reached host's missing paths (as diffed by `connections`)
// straight from the deployer's store over the host's connection, `jobs`
// hosts at a time: each missing path in dependency order, its NAR streamed
// from a local DumpStorePath into the target's AddToStoreNar (the target
// checks hash and size before it registers anything). A host that fails
// never stops the others. Returns an outcome per host of `connections`.
std::vector<report::HostOutcome> push_direct(fleet::HostConnections& connections,
                                             const DirectPushOptions& options,
                                             report::PushReporter& reporter);

} // namespace shoal::push
