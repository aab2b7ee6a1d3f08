#include "report/closure_listing.hpp"

#include "util/units.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <numeric>

namespace shoal::report {
namespace {

std::uint64_t total_nar_bytes(const std::vector<nix::PathInfo>& closure) {
    return std::accumulate(
        closure.begin(), closure.end(), std::uint64_t{0},
        [](std::uint64_t sum, const nix::PathInfo& info) { return sum + info.nar_size; });
}

} // namespace

void write_closure_text(std::ostream& out, const std::vector<nix::PathInfo>& closure) {
    for (const auto& info : closure) {
        out << fmt::format("{}\t{}\t{}\n", info.path, info.nar_size, info.nar_hash);
    }
    const std::uint64_t total = total_nar_bytes(closure);
    out << fmt::format("total: {} paths, {} bytes ({})\n", closure.size(), total,
                       util::format_bytes(total));
}

void write_closure_json(std::ostream& out, const std::vector<nix::PathInfo>& closure) {
    auto paths = nlohmann::json::array();
    for (const auto& info : closure) {
        paths.push_back({{"path", info.path},
                         {"nar_size", info.nar_size},
                         {"nar_hash", info.nar_hash},
                         {"references", info.references},
                         {"deriver", info.deriver},
                         {"sigs", info.sigs}});
    }
    const nlohmann::json document{{"paths", paths},
                                  {"total_paths", closure.size()},
                                  {"total_nar_bytes", total_nar_bytes(closure)}};
    out << document.dump(2) << "\n";
}

} // namespace shoal::report
