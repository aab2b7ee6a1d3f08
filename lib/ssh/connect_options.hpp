#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace shoal::ssh {

// Where and how to reach one host. Independent of the inventory: callers map
// their host description onto it.
struct ConnectOptions {
    std::string address;
    std::uint16_t port = 22;
    std::string user;
    // Empty: ~/.ssh/id_ed25519 and ~/.ssh/id_ecdsa, those that exist.
    std::vector<std::filesystem::path> identities;
    // Offer only `identities`, none of ssh-agent's keys (OpenSSH's IdentitiesOnly).
    bool identities_only = false;
    // Empty: ~/.ssh/known_hosts.
    std::filesystem::path known_hosts;
    // Like OpenSSH's StrictHostKeyChecking=accept-new: record unknown hosts, never changed ones.
    bool accept_new_host_keys = false;
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
    // The peer may stay silent (not even answering keepalives) this long before we give up.
    std::chrono::milliseconds io_timeout = std::chrono::seconds(60);
    // libssh2 sends keepalives at most every 2 s, so a live peer may seem silent that long.
    static constexpr std::chrono::seconds min_io_timeout{5};
    // Every command runs as root through `sudo -n` (see with_sudo).
    bool sudo = false;
    // Compress the whole connection with zlib (SSH's Compression): worth its
    // CPU only on links slower than zlib, for data that is not compressed yet.
    // OpenSSH's client only: libssh2 1.10's zlib@openssh.com broke 5 to 22 of
    // 64-100 sessions copying at once (sshd: "invalid format"), so shoal's own
    // SSH never asks for it.
    bool compress = false;
    // Bastions to go through, first hop first (OpenSSH's ProxyJump); the
    // hops' own `jump` is unused.
    std::vector<ConnectOptions> jump;
    // Empty: shoal speaks SSH itself (libssh2). Else the OpenSSH client to
    // run ("ssh", or a path), for keys and settings libssh2 cannot use: one
    // control master per host, each command a client of it.
    std::string ssh_program;
    // For ssh_program: the name the host's ssh_config entry matches (empty:
    // the address), and the file ssh reads instead of its default one.
    std::string config_name;
    std::filesystem::path config_file;

    // Throws UsageError naming the first bad field.
    void validate() const;

    // "user@address:port", for messages.
    std::string destination() const;

    // The identity files to try, given the user's home directory.
    std::vector<std::filesystem::path> identity_files(const std::filesystem::path& home) const;

    std::filesystem::path known_hosts_file(const std::filesystem::path& home) const;
};

// $HOME, or the password database's entry when HOME is unset.
std::filesystem::path home_directory();

} // namespace shoal::ssh
