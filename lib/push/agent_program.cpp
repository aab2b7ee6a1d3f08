#include "push/agent_program.hpp"

#include "nix/store_path.hpp"
#include "util/shell_quote.hpp"

#include <filesystem>
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
        return {"shoal agent", std::nullopt};
    }
    return {agent_command_for(self.string()), store_path_holding(self.string())};
}

} // namespace shoal::push
