#include "fleet/fleet_diff.hpp"

#include "ssh/library.hpp"
#include "util/parallel.hpp"

namespace shoal::fleet {

std::vector<HostDiffResult>
diff_fleet(const std::vector<inventory::Host>& hosts, const HostClosures& closures,
           const RemoteOptions& options, bool substitute, std::size_t jobs,
           const std::function<void(const inventory::Host&, const HostDiffResult&)>& on_result) {
    const ssh::Library ssh_library;
    std::vector<HostDiffResult> results(hosts.size());
    util::run_parallel(hosts.size(), jobs, [&](std::size_t i) {
        auto& result = results[i];
        try {
            RemoteStore target(ssh_library, hosts[i], options);
            result.diff = diff_closure(target.connection(), closures.closure_of(hosts[i].name),
                                       substitute, Pin::no);
            result.ok = true;
        } catch (const std::exception& e) {
            // One unreachable host must not hide the others' answers.
            result.error = e.what();
        }
        on_result(hosts[i], result);
    });
    return results;
}

} // namespace shoal::fleet
