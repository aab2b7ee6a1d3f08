#include "push/direct_copy.hpp"

#include "fleet/busy_store.hpp"
#include "nix/local_store.hpp"
#include "ssh/remote_command.hpp"
#include "util/shell_quote.hpp"
#include "util/units.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::push {

DirectCopy::DirectCopy(ssh::Connector& connector, const inventory::Host& host,
                       const fleet::RemoteOptions& remote, report::PushReporter& reporter)
    : host_name_(host.name), reporter_(reporter),
      own_target_(fleet::retry_while_busy(
          host.name,
          [&] { return std::make_unique<fleet::RemoteStore>(connector, host, remote); })),
      target_(*own_target_) {
    reporter_.host_connected(host_name_, target_.destination());
}

DirectCopy::DirectCopy(fleet::RemoteStore& target, const inventory::Host& host,
                       report::PushReporter& reporter)
    : host_name_(host.name), reporter_(reporter), target_(target) {}

fleet::ClosureDiff DirectCopy::diff(const std::vector<nix::PathInfo>& closure, bool substitute) {
    return fleet::diff_closure(target_.connection(), closure, substitute, fleet::Pin::no);
}

void DirectCopy::copy(const std::vector<nix::PathInfo>& missing, CopiedTotals& copied) {
    if (missing.empty()) {
        return;
    }
    // One local nix-store per host: dumps for different hosts run in parallel.
    nix::LocalStore local;
    for (const auto& info : missing) {
        const auto start = std::chrono::steady_clock::now();
        target_.connection().add_to_store_nar(
            info, [&](io::Sink& nar) { local.connection().dump_store_path(info.path, nar); });
        ++copied.paths;
        copied.bytes += info.nar_size;
        reporter_.path_copied(host_name_, info.path, info.nar_size, util::seconds_since(start));
    }
}

void DirectCopy::remove_agent_staging(const std::string& staging) {
    const auto deployment = std::filesystem::path(staging).parent_path().string();
    try {
        const auto removed =
            ssh::run_remote(target_.session(),
                            fmt::format("rm -rf -- {} && {{ rmdir -- {} 2>/dev/null || true; }}",
                                        util::shell_quote(staging), util::shell_quote(deployment)));
        if (!removed.ok()) {
            spdlog::warn("{}: cannot remove the failed agent's staging {}: {}", host_name_, staging,
                         removed.reason());
            return;
        }
        spdlog::debug("{}: removed the failed agent's staging {}", host_name_, staging);
    } catch (const std::exception& e) {
        spdlog::warn("{}: cannot remove the failed agent's staging {}: {}", host_name_, staging,
                     e.what());
    }
}

} // namespace shoal::push
