#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace shoal::cmd {

namespace po = boost::program_options;

// -h/--help, -v/--verbose, -q/--quiet: every subcommand has them.
po::options_description general_options();

// Parses `args` against `options` (+ positionals), sets up logging from the
// general options. Returns false when --help was asked for and printed.
bool parse_command_line(const std::vector<std::string>& args, std::string_view usage,
                        const po::options_description& options,
                        const po::positional_options_description& positionals,
                        po::variables_map& values);

} // namespace shoal::cmd
