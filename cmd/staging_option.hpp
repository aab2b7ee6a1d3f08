#pragma once

#include <boost/program_options.hpp>
#include <filesystem>

namespace shoal::cmd {

namespace po = boost::program_options;

// --staging DIR: where the deployer stages NARs and keeps its NAR cache;
// `push` stages there, `plan` reads the cache's compressed sizes.
po::options_description staging_option();

// --staging, else $XDG_CACHE_HOME/shoal, ~/.cache/shoal, or
// /var/tmp/shoal-deployer without a home.
std::filesystem::path staging_from(const po::variables_map& values);

} // namespace shoal::cmd
