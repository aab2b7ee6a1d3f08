#include "ssh/connect_options.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

namespace shoal::ssh {
namespace {

bool has_space_or_control(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

} // namespace

void ConnectOptions::validate() const {
    if (address.empty() || has_space_or_control(address)) {
        throw util::UsageError(fmt::format("ssh: bad address '{}'", address));
    }
    if (port == 0) {
        throw util::UsageError(fmt::format("ssh: port 0 is not valid for {}", address));
    }
    if (user.empty() || has_space_or_control(user)) {
        throw util::UsageError(fmt::format("ssh: bad user name '{}' for {}", user, address));
    }
    if (connect_timeout.count() <= 0) {
        throw util::UsageError(
            fmt::format("ssh: the connect timeout for {} must be positive ({} ms)", address,
                        connect_timeout.count()));
    }
    if (io_timeout < min_io_timeout) {
        throw util::UsageError(
            fmt::format("ssh: the IO timeout for {} must be at least {} s ({} ms)", address,
                        min_io_timeout.count(), io_timeout.count()));
    }
}

std::string ConnectOptions::destination() const {
    return fmt::format("{}@{}:{}", user, address, port);
}

std::vector<std::filesystem::path>
ConnectOptions::identity_files(const std::filesystem::path& home) const {
    if (!identities.empty()) {
        return identities;
    }
    std::vector<std::filesystem::path> found;
    for (const char* name : {"id_ed25519", "id_ecdsa"}) {
        auto candidate = home / ".ssh" / name;
        if (std::filesystem::exists(candidate)) {
            found.push_back(std::move(candidate));
        }
    }
    return found;
}

std::filesystem::path ConnectOptions::known_hosts_file(const std::filesystem::path& home) const {
    return known_hosts.empty() ? home / ".ssh" / "known_hosts" : known_hosts;
}

std::filesystem::path home_directory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return home;
    }
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16 * 1024);
    if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr) {
        return entry.pw_dir;
    }
    throw util::Error("cannot find the home directory: HOME is unset and the user has no entry");
}

} // namespace shoal::ssh
