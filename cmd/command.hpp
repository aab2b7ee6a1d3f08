#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shoal::cmd {

// One `shoal <name> ...` subcommand. `run` gets the arguments after the name
// and returns the process exit code (0 ok, 1 some host or path failed, 2 usage).
struct Command {
    std::string_view name;
    std::string_view summary;
    int (*run)(const std::vector<std::string>& args);
};

} // namespace shoal::cmd
