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
    for (const auto& host : hosts) {
        std::set<std::string> roots = command_roots;
        if (!host.closure.empty()) {
            roots = {nix::resolve_store_path(host.closure)};
        }
        if (roots.empty()) {
            throw util::UsageError(
                fmt::format("{}:{}: host '{}' has no closure: give store paths on the command line "
                            "or a `closure:` for the host",
                            host.location.file, host.location.line, host.name));
        }
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
