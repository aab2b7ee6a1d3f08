#include "deploy/profile.hpp"

#include "ssh/remote_command.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fmt/format.h>

namespace shoal::deploy {

std::string profile_path(std::string_view name_or_path) {
    const bool printable = std::all_of(name_or_path.begin(), name_or_path.end(),
                                       [](unsigned char c) { return std::isgraph(c) != 0; });
    if (name_or_path.starts_with('/') && printable) {
        return std::string(name_or_path);
    }
    if (!printable || name_or_path.empty() || name_or_path == "." || name_or_path == ".." ||
        name_or_path.find('/') != std::string_view::npos) {
        throw util::UsageError(fmt::format("profile '{}' is neither a name (as in "
                                           "/nix/var/nix/profiles/NAME) nor an absolute path",
                                           name_or_path));
    }
    return fmt::format("/nix/var/nix/profiles/{}", name_or_path);
}

std::string current_generation_command(const std::string& profile) {
    // The link is relative to the profile's directory; the store path may
    // itself be a symlink, so read one level only.
    return fmt::format("p={}; if [ -L \"$p\" ]; then l=$(readlink \"$p\") && "
                       "case $l in /*) g=$l ;; *) g=$(dirname \"$p\")/$l ;; esac && "
                       "echo \"$l\" && readlink \"$g\"; fi",
                       util::shell_quote(profile));
}

std::optional<Generation> parse_current_generation(const std::string& profile,
                                                   std::string_view output) {
    if (output.find_first_not_of(" \n") == std::string_view::npos) {
        return std::nullopt;
    }
    const auto newline = output.find('\n');
    const auto link =
        std::filesystem::path(std::string(output.substr(0, newline))).filename().string();
    std::string path =
        newline == std::string_view::npos ? "" : std::string(output.substr(newline + 1));
    while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) {
        path.pop_back();
    }
    const auto base = std::filesystem::path(profile).filename().string() + "-";
    Generation generation;
    const std::string_view digits =
        link.starts_with(base) && link.ends_with("-link")
            ? std::string_view(link).substr(base.size(), link.size() - base.size() - 5)
            : std::string_view();
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), generation.number);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        !path.starts_with('/')) {
        throw util::Error(fmt::format("{} points at '{}', which is not a generation of it (made "
                                      "by something other than nix-env?)",
                                      profile, link));
    }
    generation.path = std::move(path);
    return generation;
}

RemoteProfile::RemoteProfile(ssh::Session& session, std::string path)
    : session_(session), path_(std::move(path)) {}

std::optional<Generation> RemoteProfile::run_then_read(const std::string& command,
                                                       std::string_view doing,
                                                       std::string* prefix) {
    // A marker line separates what `command` prints from the query's answer.
    constexpr std::string_view marker = "--shoal-generation--\n";
    const auto result = ssh::run_remote(session_, fmt::format("{}{}echo '{}' && {}", command,
                                                              command.empty() ? "" : " && ",
                                                              marker.substr(0, marker.size() - 1),
                                                              current_generation_command(path_)));
    if (!result.ok()) {
        throw util::Error(fmt::format("{}: cannot {}: {}", path_, doing, result.reason()));
    }
    const auto at = result.output.rfind(marker);
    if (at == std::string::npos) {
        throw util::Error(fmt::format("{}: cannot {}: the host's shell printed no answer ({})",
                                      path_, doing, result.output));
    }
    if (prefix != nullptr) {
        *prefix = result.output.substr(0, at);
    }
    return parse_current_generation(path_,
                                    std::string_view(result.output).substr(at + marker.size()));
}

std::optional<Generation> RemoteProfile::current() {
    return run_then_read("", "read it");
}

RemoteProfile::Change RemoteProfile::set(const std::string& store_path) {
    const auto quoted = util::shell_quote(path_);
    // nix-env reuses the newest generation when it points there already:
    // whether the set of generation links changed tells the two apart.
    std::string printed;
    const auto now = run_then_read(
        fmt::format("mkdir -p \"$(dirname {0})\" && before=$(ls -d -- {0}-*-link 2>/dev/null || :) "
                    "&& nix-env -p {0} --set {1} && after=$(ls -d -- {0}-*-link) && "
                    "{{ [ \"$before\" = \"$after\" ] && echo same || echo new; }}",
                    quoted, util::shell_quote(store_path)),
        fmt::format("point it at {}", store_path), &printed);
    if (!now || now->path != store_path) {
        throw util::Error(fmt::format("{}: nix-env did not point it at {}", path_, store_path));
    }
    return {*now, printed.find("new") != std::string::npos};
}

Generation RemoteProfile::roll_back_one() {
    const auto now = run_then_read(
        fmt::format("nix-env -p {} --rollback", util::shell_quote(path_)), "roll it back");
    if (!now) {
        throw util::Error(fmt::format("{} has no generation after rolling back", path_));
    }
    return *now;
}

} // namespace shoal::deploy
