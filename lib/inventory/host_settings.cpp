#include "inventory/host_settings.hpp"

#include <algorithm>

namespace shoal::inventory {
namespace {

template <typename T> void take(std::optional<T>& field, const std::optional<T>& over) {
    if (over) {
        field = over;
    }
}

} // namespace

void HostSettings::overlay(const HostSettings& over) {
    take(address, over.address);
    take(port, over.port);
    take(user, over.user);
    take(identity, over.identity);
    take(known_hosts, over.known_hosts);
    take(jump, over.jump);
    take(become_sudo, over.become_sudo);
    take(openssh, over.openssh);
    take(system, over.system);
    take(bandwidth_bps, over.bandwidth_bps);
    take(swarm_port, over.swarm_port);
    take(site, over.site);
    take(rack, over.rack);
    take(closure, over.closure);
    take(profile, over.profile);
    take(activate, over.activate);
    take(health_check, over.health_check);
    for (const auto& tag : over.tags) {
        if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
            tags.push_back(tag);
        }
    }
}

} // namespace shoal::inventory
