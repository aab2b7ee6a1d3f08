#include "inventory/host_fields.hpp"

#include "inventory/bandwidth.hpp"
#include "inventory/invalid_value.hpp"
#include "inventory/names.hpp"
#include "inventory/port.hpp"
#include "sshconfig/jump_spec.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>

namespace shoal::inventory {
namespace {

constexpr auto scalar_fields = std::to_array<std::string_view>(
    {"address", "port", "user", "identity", "known_hosts", "jump", "become", "transport", "system",
     "bandwidth", "swarm_port", "site", "rack", "closure", "profile", "activate", "health_check"});

// Addresses and user names go to ssh as they are: no blanks or control characters.
std::string plain_word(std::string_view key, std::string_view text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isgraph(c) != 0;
    });
    if (!plain) {
        throw InvalidValue(fmt::format("{} '{}' is empty or has blanks", key, text));
    }
    return std::string(text);
}

std::string checked_name(std::string_view key, std::string_view text) {
    check_name(key, text);
    return std::string(text);
}

std::string store_path(std::string_view text) {
    if (!text.starts_with('/')) {
        throw InvalidValue(fmt::format("closure '{}' is not an absolute store path", text));
    }
    return plain_word("closure", text);
}

// A profile name (a file under /nix/var/nix/profiles) or an absolute path.
std::string profile_name(std::string_view text) {
    const auto word = plain_word("profile", text);
    if (!text.starts_with('/') &&
        (text.find('/') != std::string_view::npos || text == "." || text == "..")) {
        throw InvalidValue(fmt::format("'{}' is neither a name (as in "
                                       "/nix/var/nix/profiles/NAME) nor an absolute path",
                                       text));
    }
    return word;
}

// A Nix system name: CPU-KERNEL, as x86_64-linux or aarch64-darwin.
std::string nix_system(std::string_view text) {
    const auto dash = text.find('-');
    const auto word = [](std::string_view part) {
        return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
            return std::islower(c) != 0 || std::isdigit(c) != 0 || c == '_';
        });
    };
    if (dash == std::string_view::npos || !word(text.substr(0, dash)) ||
        !word(text.substr(dash + 1))) {
        throw InvalidValue(fmt::format("'{}' is not a Nix system such as x86_64-linux or "
                                       "aarch64-linux",
                                       text));
    }
    return std::string(text);
}

// A shell command run on the host; an empty one would silently do nothing.
std::string command_text(std::string_view text) {
    if (text.find_first_not_of(" \t\n") == std::string_view::npos) {
        throw InvalidValue("the command is empty");
    }
    return std::string(text);
}

} // namespace

bool is_scalar_field(std::string_view key) {
    return std::find(scalar_fields.begin(), scalar_fields.end(), key) != scalar_fields.end();
}

std::vector<std::string> host_field_keys() {
    std::vector<std::string> keys(scalar_fields.begin(), scalar_fields.end());
    keys.emplace_back("groups");
    keys.emplace_back("tags");
    return keys;
}

void assign_scalar_field(HostSettings& settings, std::string_view key, std::string_view text,
                         const PathResolver& paths) {
    if (key == "address") {
        settings.address = plain_word(key, text);
    } else if (key == "port") {
        settings.port = parse_port(text);
    } else if (key == "user") {
        settings.user = plain_word(key, text);
    } else if (key == "identity") {
        // An empty identity undoes a lower layer's: back to ssh-agent and the default keys.
        settings.identity = text.empty() ? std::string() : paths.resolve(text);
    } else if (key == "known_hosts") {
        settings.known_hosts = paths.resolve(text);
    } else if (key == "jump") {
        try {
            sshconfig::parse_jump_chain(text);
        } catch (const util::UsageError& e) {
            throw InvalidValue(e.what());
        }
        settings.jump = std::string(text);
    } else if (key == "become") {
        if (text != "sudo" && text != "none") {
            throw InvalidValue(fmt::format("'{}': expected sudo (run shoal's commands as root "
                                           "through sudo -n) or none",
                                           text));
        }
        settings.become_sudo = text == "sudo";
    } else if (key == "transport") {
        if (text != "openssh" && text != "libssh2") {
            throw InvalidValue(fmt::format("'{}': expected openssh (run the system's ssh, for "
                                           "RSA keys, certificates and all of ssh_config) or "
                                           "libssh2 (shoal's own SSH, the default)",
                                           text));
        }
        settings.openssh = text == "openssh";
    } else if (key == "system") {
        settings.system = nix_system(text);
    } else if (key == "bandwidth") {
        settings.bandwidth_bps = parse_bandwidth(text);
    } else if (key == "swarm_port") {
        settings.swarm_port = parse_port(text);
    } else if (key == "site") {
        settings.site = checked_name(key, text);
    } else if (key == "rack") {
        settings.rack = checked_name(key, text);
    } else if (key == "closure") {
        settings.closure = store_path(text);
    } else if (key == "profile") {
        settings.profile = profile_name(text);
    } else if (key == "activate") {
        settings.activate = command_text(text);
    } else if (key == "health_check") {
        settings.health_check = command_text(text);
    }
}

} // namespace shoal::inventory
