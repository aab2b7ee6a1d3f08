#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shoal::inventory {

// What one layer (defaults, a group, a host's own entry) sets for a host;
// unset fields fall through to the layer below.
struct HostSettings {
    std::optional<std::string> address;
    std::optional<std::uint16_t> port;
    std::optional<std::string> user;
    std::optional<std::string> identity;
    std::optional<std::string> known_hosts;
    std::optional<std::string> jump; // "none" or a comma-separated chain
    std::optional<bool> become_sudo;
    std::optional<bool> openssh; // `transport: openssh`
    std::optional<std::string> system;
    std::optional<std::uint64_t> bandwidth_bps;
    std::optional<std::uint16_t> swarm_port;
    std::optional<std::string> site;
    std::optional<std::string> rack;
    std::optional<std::string> closure;
    std::optional<std::string> profile;
    std::optional<std::string> activate;
    std::optional<std::string> health_check;
    std::vector<std::string> tags; // tags add up across layers instead of overriding

    // Lays `over` on top: its set fields win, its new tags are appended.
    void overlay(const HostSettings& over);
};

} // namespace shoal::inventory
