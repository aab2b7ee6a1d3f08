#include "fleet/host_connections.hpp"

#include "fleet/busy_store.hpp"
#include "util/parallel.hpp"

#include <random>
#include <spdlog/spdlog.h>
#include <thread>

namespace shoal::fleet {

HostConnections::HostConnections(
    const std::vector<inventory::Host>& hosts, const HostClosures& closures,
    const RemoteOptions& options, bool substitute, std::size_t jobs, Pin pin,
    const std::function<void(const HostConnections&, std::size_t)>& on_host)
    : hosts_(hosts), stores_(hosts.size()), diffs_(hosts.size()), errors_(hosts.size()) {
    util::run_parallel(hosts_.size(), jobs, [&](std::size_t i) {
        // The system's ssh follows what shoal's own SSH does not.
        const bool openssh = !options.ssh_program.empty() || hosts_[i].openssh;
        for (const auto& note : openssh ? std::vector<std::string>() : hosts_[i].ssh_config_notes) {
            spdlog::warn("{}: {}", hosts_[i].name, note);
        }
        std::minstd_rand jitter(static_cast<std::minstd_rand::result_type>(i + 1));
        for (std::size_t retry = 0;; ++retry) {
            try {
                auto store = std::make_unique<RemoteStore>(connector_, hosts_[i], options);
                diffs_[i] = diff_closure(store->connection(), closures.closure_of(hosts_[i].name),
                                         substitute, pin);
                if (pin == Pin::yes) {
                    stores_[i] = std::move(store);
                }
                break;
            } catch (const std::exception& e) {
                const auto delay =
                    store_was_busy(e.what())
                        ? busy_store_backoff(retry, std::uniform_real_distribution<>()(jitter))
                        : std::nullopt;
                if (!delay) {
                    // One unreachable host must not hide the others' answers.
                    errors_[i] = e.what();
                    break;
                }
                spdlog::info("{}: {}; trying again in {} ms", hosts_[i].name, e.what(),
                             delay->count());
                std::this_thread::sleep_for(*delay);
            }
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
