#pragma once

#include "sshconfig/config_line.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::sshconfig {

// Whose files these are: '~' and %d expand to `home`, %u to `local_user`.
struct ConfigEnvironment {
    std::filesystem::path home;
    std::string local_user;
};

enum class HostKeyChecking { yes, accept_new, no };

// What an OpenSSH client configuration says for one host, as `ssh -G` would:
// the first matching line of each keyword wins, IdentityFile lines add up,
// %-tokens and '~' are expanded.
struct HostConfig {
    std::optional<std::string> hostname;
    std::optional<std::string> user;
    std::optional<std::uint16_t> port;
    std::vector<std::string> identity_files;
    std::optional<bool> identities_only;
    // "none", or a comma-separated chain of [user@]host[:port].
    std::optional<std::string> proxy_jump;
    // The first of UserKnownHostsFile's files: libssh2 checks one file.
    std::optional<std::string> known_hosts_file;
    std::optional<HostKeyChecking> host_key_checking;
    std::optional<std::chrono::seconds> connect_timeout;
    std::optional<std::chrono::seconds> server_alive_interval;
    std::optional<unsigned> server_alive_count_max;
    // "FILE:LINE: what is not followed, and what shoal does instead", once
    // per keyword: settings that change the connection and that shoal does
    // not support.
    std::vector<std::string> not_followed;
};

// A parsed configuration: the files named at load time and those they
// Include. Every line is checked when loaded, matched or not, as OpenSSH
// does; a mistake throws util::UsageError naming FILE:LINE.
class SshConfig {
public:
    // No configuration at all: every lookup is empty.
    SshConfig() = default;

    // OpenSSH's own choice: ~/.ssh/config, then /etc/ssh/ssh_config, those that exist.
    static SshConfig load_default(const ConfigEnvironment& environment);
    // Only `file`, as `ssh -F FILE`; it must exist.
    static SshConfig load_file(const std::filesystem::path& file,
                               const ConfigEnvironment& environment);
    // `text` as a user's configuration file called `name` (Include looks in ~/.ssh).
    static SshConfig parse(std::string_view text, const std::string& name,
                           const ConfigEnvironment& environment);

    HostConfig lookup(std::string_view host) const;

private:
    struct Line {
        ConfigLine line;
        std::string file;
        int number = 0;
        std::vector<std::size_t> included; // for Include: indexes into files_
    };
    struct File {
        std::vector<Line> lines;
    };
    struct Lookup;

    std::size_t add_file(const std::filesystem::path& path, std::string_view text,
                         const std::filesystem::path& include_dir, int depth);
    std::size_t read_file(const std::filesystem::path& path,
                          const std::filesystem::path& include_dir, int depth);
    void walk(std::size_t file, bool active, bool never_match, Lookup& lookup) const;

    ConfigEnvironment environment_;
    std::vector<File> files_;
    std::vector<std::size_t> roots_;
};

} // namespace shoal::sshconfig
