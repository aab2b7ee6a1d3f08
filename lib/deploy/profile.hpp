#pragma once

#include "ssh/session.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace shoal::deploy {

// One generation of a Nix profile: PROFILE-NUMBER-link -> store path.
struct Generation {
    unsigned number = 0;
    std::string path;
};

// A bare NAME means /nix/var/nix/profiles/NAME (`system` is NixOS's); an
// absolute path is taken as it is. Throws UsageError for anything else.
std::string profile_path(std::string_view name_or_path);

// The shell code that prints a profile's current generation: the link's
// name, then the store path it points at; nothing for a profile not made yet.
std::string current_generation_command(const std::string& profile);

// Parses that output. Throws util::Error when it is not a generation of `profile`.
std::optional<Generation> parse_current_generation(const std::string& profile,
                                                   std::string_view output);

// A profile on one host, changed with `nix-env -p` over exec channels of the
// host's session, the way nix-env itself keeps generations (each one a GC root).
class RemoteProfile {
public:
    RemoteProfile(ssh::Session& session, std::string path);

    const std::string& path() const { return path_; }

    std::optional<Generation> current();
    struct Change {
        Generation generation; // now current
        bool created = false;  // a new generation (else the newest one pointed there already)
    };
    // `nix-env -p PROFILE --set STORE_PATH`: a new generation, unless the
    // newest one already points there.
    Change set(const std::string& store_path);
    // `nix-env -p PROFILE --rollback`: one generation back.
    Generation roll_back_one();

private:
    // Runs `command` (shell code) followed by the current-generation query;
    // `prefix` receives the lines `command` printed before it.
    std::optional<Generation> run_then_read(const std::string& command, std::string_view doing,
                                            std::string* prefix = nullptr);

    ssh::Session& session_;
    std::string path_;
};

} // namespace shoal::deploy
