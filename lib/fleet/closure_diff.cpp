#include "fleet/closure_diff.hpp"

namespace shoal::fleet {

ClosureDiff diff_closure(nix::ServeConnection& target, const std::vector<nix::PathInfo>& closure,
                         bool substitute, Pin pin) {
    std::set<std::string> paths;
    for (const auto& info : closure) {
        paths.insert(info.path);
    }
    const auto valid = target.query_valid_paths(paths, pin == Pin::yes, substitute);
    ClosureDiff diff;
    for (const auto& info : closure) {
        if (valid.count(info.path) == 0) {
            diff.missing.push_back(info);
            diff.missing_bytes += info.nar_size;
        }
    }
    return diff;
}

} // namespace shoal::fleet
