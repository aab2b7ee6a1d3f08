#include "push/agent_program.hpp"

#include "nix/store_path.hpp"
#include "push/executable_system.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <system_error>

namespace shoal::push {

std::optional<std::string> store_path_holding(std::string_view program) {
    auto store_path = nix::enclosing_store_entry(program);
    if (!store_path || nix::store_path_problem(*store_path)) {
        return std::nullopt;
    }
    return store_path;
}

std::string agent_command_for(std::string_view program) {
    return util::shell_word(program) + " agent";
}

AgentProgram running_agent_program() {
    // The kernel's link is the resolved path of the file being run.
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) {
        return {"shoal agent", std::nullopt, {}};
    }
    std::string system;
    try {
        system = executable_system(self);
    } catch (const util::Error&) {
        // Unknown: the agent is tried on every host, as before systems were known.
    }
    return {agent_command_for(self.string()), store_path_holding(self.string()), system};
}

AgentProgram agent_program_at(const std::filesystem::path& path) {
    std::error_code error;
    auto binary = std::filesystem::is_directory(path, error) ? path / "bin" / "shoal" : path;
    const auto resolved = std::filesystem::canonical(binary, error);
    if (error) {
        throw util::UsageError(
            fmt::format("--agent {}: {} does not exist", path.string(), binary.string()));
    }
    try {
        return {agent_command_for(resolved.string()), store_path_holding(resolved.string()),
                executable_system(resolved)};
    } catch (const util::UsageError& e) {
        throw util::UsageError(fmt::format("--agent {}: {}", path.string(), e.what()));
    }
}

const AgentProgram* agent_for(const std::vector<AgentProgram>& programs,
                              const std::string& system) {
    if (system.empty()) {
        return programs.empty() ? nullptr : &programs.front();
    }
    const auto same = std::find_if(programs.begin(), programs.end(),
                                   [&](const AgentProgram& p) { return p.system == system; });
    if (same != programs.end()) {
        return &*same;
    }
    const auto any = std::find_if(programs.begin(), programs.end(),
                                  [](const AgentProgram& p) { return p.system.empty(); });
    return any != programs.end() ? &*any : nullptr;
}

} // namespace shoal::push
