#include "push/agent_program.hpp"

#include "nix/store_path.hpp"

#include <filesystem>
#include <system_error>

namespace shoal::push {

std::optional<std::string> store_path_holding(std::string_view program) {
    const auto prefix = std::string(nix::store_dir) + "/";
    if (!program.starts_with(prefix)) {
        return std::nullopt;
    }
    const auto end = program.find('/', prefix.size());
    auto store_path = std::string(program.substr(0, end));
    if (nix::store_path_problem(store_path)) {
        return std::nullopt;
    }
    return store_path;
}

AgentProgram running_agent_program() {
    // The kernel's link is the resolved path of the file being run.
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) {
        return {"shoal agent", std::nullopt};
    }
    return {self.string() + " agent", store_path_holding(self.string())};
}

} // namespace shoal::push
