#include "staging_option.hpp"

#include <cstdlib>
#include <string>

namespace shoal::cmd {

po::options_description staging_option() {
    po::options_description options;
    options.add_options()("staging", po::value<std::string>()->value_name("DIR"),
                          "where the deployer stages NARs and keeps its NAR cache (default: "
                          "~/.cache/shoal)");
    return options;
}

std::filesystem::path staging_from(const po::variables_map& values) {
    if (values.count("staging") != 0U) {
        return values["staging"].as<std::string>();
    }
    if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache != nullptr && *cache != '\0') {
        return std::filesystem::path(cache) / "shoal";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".cache" / "shoal";
    }
    return "/var/tmp/shoal-deployer";
}

} // namespace shoal::cmd
