#pragma once

#include "fleet/closure_diff.hpp"
#include "fleet/host_closures.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "ssh/connector.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shoal::fleet {

// One SSH connection per host for a whole push, as Nix's SSHMaster or
// OpenSSH's ControlMaster: its `nix-store --serve --write` first pins the
// host's whole closure with temporary GC roots (QueryValidPaths with the lock
// flag), so no garbage collection on the host deletes what the push relies on
// or imported until this object lets go, and then says what the host lacks.
// The agent, direct copies, profiles and activation run on its channels.
// Each host's connection is used by one thread at a time.
class HostConnections {
public:
    // Connects to `jobs` hosts at a time, each on a fiber (io::run_on_fibers):
    // a few threads whatever `jobs` is. `on_host(*this, i)` runs (from one of
    // them) once host i is diffed or found unreachable. With
    // Pin::no (a dry run: `shoal plan`) nothing is pinned and each
    // connection closes once its host is diffed.
    HostConnections(const std::vector<inventory::Host>& hosts, const HostClosures& closures,
                    const RemoteOptions& options, bool substitute, std::size_t jobs, Pin pin,
                    const std::function<void(const HostConnections&, std::size_t)>& on_host);
    ~HostConnections();
    HostConnections(const HostConnections&) = delete;
    HostConnections& operator=(const HostConnections&) = delete;

    // Thread-safe: every connection of the fleet opens through it.
    ssh::Connector& connector() const { return connector_; }
    // When connecting began: where a push's timeline starts.
    std::chrono::steady_clock::time_point started() const { return started_; }
    const std::vector<inventory::Host>& hosts() const { return hosts_; }
    bool reached(std::size_t host) const { return errors_.at(host).empty(); }
    // Why the host could not be connected to, pinned or diffed.
    const std::string& error(std::size_t host) const { return errors_.at(host); }
    // The host's store; only for a reached host, pinned.
    RemoteStore& store(std::size_t host) { return *stores_.at(host); }
    const std::string& destination(std::size_t host) const {
        return stores_.at(host)->destination();
    }
    const ClosureDiff& diff(std::size_t host) const { return diffs_.at(host); }

    // Closes every connection: the temporary roots go with them.
    void release();

private:
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    mutable ssh::Connector connector_;
    std::vector<inventory::Host> hosts_;
    std::vector<std::unique_ptr<RemoteStore>> stores_; // null if unreached
    std::vector<ClosureDiff> diffs_;
    std::vector<std::string> errors_;
};

} // namespace shoal::fleet
