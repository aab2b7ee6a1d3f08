#include "fleet/host_connections.hpp"

#include "fleet/busy_store.hpp"
#include "io/fibers.hpp"

#include <spdlog/spdlog.h>

namespace shoal::fleet {

HostConnections::HostConnections(
    const std::vector<inventory::Host>& hosts, const HostClosures& closures,
    const RemoteOptions& options, bool substitute, std::size_t jobs, Pin pin,
    const std::function<void(const HostConnections&, std::size_t)>& on_host)
    : hosts_(hosts), stores_(hosts.size()), diffs_(hosts.size()), errors_(hosts.size()) {
    // `jobs` hosts in flight on fibers over a few threads: the connections
    // wait on the network, and the handshakes' own CPU wants a core each.
    io::run_on_fibers(hosts_.size(), jobs, io::network_fiber_threads(), [&](std::size_t i) {
        // The system's ssh follows what shoal's own SSH does not.
        if (options.ssh_program.empty() && !hosts_[i].openssh) {
            for (const auto& note : hosts_[i].ssh_config_notes) {
                spdlog::warn("{}: {}", hosts_[i].name, note);
            }
        }
        try {
            auto store = retry_while_busy(hosts_[i].name, [&] {
                auto opened = std::make_unique<RemoteStore>(connector_, hosts_[i], options);
                diffs_[i] = diff_closure(opened->connection(), closures.closure_of(hosts_[i].name),
                                         substitute, pin);
                return opened;
            });
            if (pin == Pin::yes) {
                stores_[i] = std::move(store);
            }
        } catch (const std::exception& e) {
            // One unreachable host must not hide the others' answers.
            errors_[i] = e.what();
        }
        on_host(*this, i);
    });
}

HostConnections::~HostConnections() = default;

void HostConnections::release() {
    for (auto& store : stores_) {
        store.reset();
    }
}

} // namespace shoal::fleet
