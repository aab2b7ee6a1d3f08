#include "general_options.hpp"

#include <iostream>

namespace shoal::cmd {

int run_version(const std::vector<std::string>& args) {
    po::variables_map values;
    if (!parse_command_line(args, "shoal version", {}, {}, values)) {
        return 0;
    }
    std::cout << "shoal " << SHOAL_VERSION << "\n";
    return 0;
}

} // namespace shoal::cmd
