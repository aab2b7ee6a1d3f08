#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::push {

// What starts `shoal agent` on a target.
struct AgentProgram {
    std::string command; // run over SSH, e.g. "/nix/store/...-shoal/bin/shoal agent"
    // The store path holding the program, whose closure targets get first
    // (by a direct copy) if they lack it; none when the user chose the command.
    std::optional<std::string> store_path;
    // The Nix system it runs on ("aarch64-linux"); empty: any (a command the user chose).
    std::string system;
};

// The store path that is `program` or contains it (`program` is an absolute
// path with symlinks resolved), or nothing when it is outside the Nix store.
std::optional<std::string> store_path_holding(std::string_view program);

// The remote command line that runs `shoal agent` from the binary at
// `program`, quoted for the remote shell whatever the path holds.
std::string agent_command_for(std::string_view program);

// The binary running now, by its resolved path, plus " agent": targets
// usually share the deployer's layout, and when it lives in the Nix store,
// its closure can be copied to them.
AgentProgram running_agent_program();

// `--agent PATH`: a shoal store path (its bin/shoal) or the binary itself,
// its system read from the binary. Throws util::UsageError naming PATH.
AgentProgram agent_program_at(const std::filesystem::path& path);

// The program for a host of `system` (empty: not known, then the first);
// nullptr when none of them runs there.
const AgentProgram* agent_for(const std::vector<AgentProgram>& programs, const std::string& system);

} // namespace shoal::push
