#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shoal::inventory {

// Where a host's agent listens for swarm peers unless the inventory says
// otherwise; the deployer's swarm starts from it too.
inline constexpr std::uint16_t default_swarm_port = 7400;

// A place in an inventory file; line and column are 1-based.
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
};

// A bastion on the way to a host (OpenSSH's ProxyJump), resolved as the host
// is: the hop's own ssh_config entry, else the host's keys and known_hosts.
struct JumpHost {
    std::string address;
    std::uint16_t port = 22;
    std::string user;
    std::vector<std::string> identities;
    bool identities_only = false;
    std::string known_hosts;
    std::string written;         // as the inventory or ssh_config wrote it, for messages
    std::string ssh_config_name; // the name its ssh_config entry matched
};

// One target machine with every setting resolved (defaults, groups and the
// host's own entry merged; paths absolute).
struct Host {
    std::string name;
    std::string address;
    std::uint16_t port = 22;
    std::string user;
    // Empty: ssh-agent, then ~/.ssh/id_ed25519 and id_ecdsa.
    std::vector<std::string> identities;
    bool identities_only = false; // ssh-agent's keys only where they match `identities`
    std::string known_hosts;
    // Set by ssh_config (StrictHostKeyChecking, ConnectTimeout, ServerAliveInterval and
    // ServerAliveCountMax); a command-line flag wins over them.
    std::optional<bool> accept_new_host_keys;
    std::optional<std::chrono::milliseconds> connect_timeout;
    std::optional<std::chrono::milliseconds> io_timeout;
    std::vector<JumpHost> jump; // first hop first; empty: a direct connection
    bool become_sudo = false;   // `become: sudo`: commands run as root through sudo -n
    // `transport: openssh`: reached through the system's ssh, not libssh2.
    bool openssh = false;
    // For ssh: the name its ssh_config matched (the inventory's address, else
    // the name), and the file shoal read (empty: ssh's default ones).
    std::string ssh_config_name;
    std::string ssh_config_file;
    std::string system; // its Nix system, "aarch64-linux"; empty: not declared
    // ssh_config settings that change the connection but are not followed,
    // each "FILE:LINE: what, and what shoal does instead".
    std::vector<std::string> ssh_config_notes;
    std::uint64_t bandwidth_bps = 1'000'000'000;
    std::uint16_t swarm_port = default_swarm_port;
    std::string site;
    std::uint64_t site_uplink_bps = 0; // its site's uplink from `sites:`; 0: not declared
    std::string rack;
    std::vector<std::string> groups;
    std::vector<std::string> tags;
    std::string closure;      // a store path for this host alone; empty: the command's closure
    std::string profile;      // the profile to point at the closure; empty: the command's
    std::string activate;     // shell command that activates the closure; empty: the command's
    std::string health_check; // shell command that checks the activated host; empty: the command's
    SourceLocation location;
};

} // namespace shoal::inventory
