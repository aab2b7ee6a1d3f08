#include "fleet/host_closures.hpp"

#include "nix/closure.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::fleet {

HostClosures::HostClosures(nix::ServeConnection& local_store,
                           const std::vector<inventory::Host>& hosts,
                           const std::vector<std::string>& command_paths) {
    std::set<std::string> command_roots;
    for (const auto& argument : command_paths) {
        command_roots.insert(nix::resolve_store_path(argument));
    }
    std::vector<std::set<std::string>> roots_by_host;
    std::set<std::string> all_roots;
    for (const auto& host : hosts) {
        auto& roots = roots_by_host.emplace_back(command_roots);
        if (!host.closure.empty()) {
            roots = {nix::resolve_store_path(host.closure)};
        }
        if (roots.empty()) {
            throw util::UsageError(
                fmt::format("{}:{}: host '{}' has no closure: give store paths on the command line "
                            "or a `closure:` for the host",
                            host.location.file, host.location.line, host.name));
        }
        all_roots.insert(roots.begin(), roots.end());
    }
    // Temporary GC roots, held by the local nix-store as long as it serves
    // us: a garbage collection here must not delete, between the diff and
    // the staging or copying, what is about to be sent. Before reading the
    // closures, so that nothing of them can go in between.
    local_store.query_valid_paths(all_roots, /*lock=*/true, /*substitute=*/false);
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        const auto& host = hosts[i];
        const auto& roots = roots_by_host[i];
        auto found = closures_by_roots_.find(roots);
        if (found == closures_by_roots_.end()) {
            found = closures_by_roots_.emplace(roots, nix::read_closure(local_store, roots)).first;
        }
        closure_by_host_[host.name] = &found->second;
        roots_by_host_[host.name] = &found->first;
    }
}

const std::vector<nix::PathInfo>& HostClosures::closure_of(const std::string& host_name) const {
    return *closure_by_host_.at(host_name);
}

const std::set<std::string>& HostClosures::roots_of(const std::string& host_name) const {
    return *roots_by_host_.at(host_name);
}

std::vector<nix::PathInfo> HostClosures::all_paths() const {
    std::map<std::string, nix::PathInfo> unique;
    for (const auto& [roots, closure] : closures_by_roots_) {
        for (const auto& info : closure) {
            unique.emplace(info.path, info);
        }
    }
    std::vector<nix::PathInfo> result;
    for (auto& [path, info] : unique) {
        result.push_back(std::move(info));
    }
    return nix::topological_order(std::move(result));
}

} // namespace shoal::fleet
