#include "push/plan_input.hpp"

namespace shoal::push {
namespace {

// Hosts without a site or rack still plan fine; they share the unnamed one.
std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

} // namespace

void add_to_plan(plan::Fleet& fleet, const inventory::Host& host,
                 const std::vector<nix::PathInfo>& missing) {
    plan::HostNeeds needs{
        host.name, or_dash(host.site), or_dash(host.rack), host.bandwidth_bps, {}};
    for (const auto& info : missing) {
        needs.missing.push_back(fleet.paths.add(info.path, info.nar_size));
    }
    fleet.hosts.push_back(std::move(needs));
}

} // namespace shoal::push
