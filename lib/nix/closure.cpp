#include "nix/closure.hpp"

#include "nix/store_path.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <queue>
#include <system_error>

namespace shoal::nix {
namespace {

namespace fs = std::filesystem;

// Enough for any sane chain of result links; a loop must not hang us.
constexpr int max_symlink_hops = 40;

} // namespace

std::vector<PathInfo> topological_order(std::vector<PathInfo> infos) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < infos.size(); ++i) {
        index.emplace(infos[i].path, i);
    }
    std::vector<std::size_t> missing_references(infos.size(), 0);
    std::vector<std::vector<std::size_t>> referrers(infos.size());
    for (std::size_t i = 0; i < infos.size(); ++i) {
        for (const auto& reference : infos[i].references) {
            const auto found = index.find(reference);
            if (found != index.end() && found->second != i) {
                ++missing_references[i];
                referrers[found->second].push_back(i);
            }
        }
    }
    // Kahn's algorithm; the queue is ordered by path so the result is stable.
    using Entry = std::pair<std::string, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
    for (std::size_t i = 0; i < infos.size(); ++i) {
        if (missing_references[i] == 0) {
            ready.emplace(infos[i].path, i);
        }
    }
    std::vector<PathInfo> ordered;
    ordered.reserve(infos.size());
    while (!ready.empty()) {
        const auto i = ready.top().second;
        ready.pop();
        for (const auto referrer : referrers[i]) {
            if (--missing_references[referrer] == 0) {
                ready.emplace(infos[referrer].path, referrer);
            }
        }
        ordered.push_back(std::move(infos[i]));
    }
    if (ordered.size() != infos.size()) {
        std::string cycle;
        for (std::size_t i = 0; i < infos.size(); ++i) {
            if (missing_references[i] != 0) {
                cycle += (cycle.empty() ? "" : ", ") + infos[i].path;
            }
        }
        throw util::Error(fmt::format("store paths reference each other in a cycle: {}", cycle));
    }
    return ordered;
}

std::string resolve_store_path(const std::string& argument) {
    if (argument.empty()) {
        throw util::UsageError("empty path given where a store path was expected");
    }
    fs::path path = fs::absolute(argument).lexically_normal();
    for (int hop = 0; hop <= max_symlink_hops; ++hop) {
        if (!path.has_filename()) {
            path = path.parent_path();
        }
        // Like Nix, a symlink is followed only while the path is outside the
        // store: a store path may itself be a symlink.
        if (auto store_path = enclosing_store_entry(path.string())) {
            return parse_store_path(*store_path);
        }
        std::error_code error;
        const auto status = fs::symlink_status(path, error);
        const auto parent = fs::canonical(path.parent_path(), error);
        if (error || !fs::exists(status)) {
            throw util::UsageError(fmt::format("'{}' does not exist", argument));
        }
        if (!fs::is_symlink(status)) {
            // A file reached through symlinked directories, e.g. result/bin/foo.
            if (auto store_path = enclosing_store_entry((parent / path.filename()).string())) {
                return parse_store_path(*store_path);
            }
            throw util::UsageError(
                fmt::format("'{}' is not in the Nix store {} and is not a symlink into it",
                            argument, store_dir));
        }
        const auto target = fs::read_symlink(path, error);
        if (error) {
            throw util::UsageError(
                fmt::format("cannot read symlink '{}': {}", path.string(), error.message()));
        }
        path = (parent / target).lexically_normal();
    }
    throw util::UsageError(fmt::format("'{}': more than {} symlinks without reaching the Nix store",
                                       argument, max_symlink_hops));
}

std::vector<PathInfo> read_closure(ServeConnection& store, const std::set<std::string>& roots) {
    const auto valid = store.query_valid_paths(roots, false, false);
    for (const auto& root : roots) {
        if (!valid.contains(root)) {
            throw util::UsageError(fmt::format("'{}' is not a valid path in the Nix store", root));
        }
    }
    const auto paths = store.query_closure(roots, false);
    auto closure = topological_order(store.query_path_infos(paths));
    if (closure.size() != paths.size()) {
        throw util::Error(fmt::format("nix-store returned infos for {} of the {} closure paths",
                                      closure.size(), paths.size()));
    }
    return closure;
}

} // namespace shoal::nix
