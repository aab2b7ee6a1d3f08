#include "general_options.hpp"

#include "util/error.hpp"
#include "util/logging.hpp"

#include <iostream>

namespace shoal::cmd {

po::options_description general_options() {
    po::options_description options("General options");
    options.add_options()("help,h", "show this help")("verbose,v", "log more detail")(
        "quiet,q", "log only warnings and errors");
    return options;
}

bool parse_command_line(const std::vector<std::string>& args, std::string_view usage,
                        const po::options_description& options,
                        const po::positional_options_description& positionals,
                        po::variables_map& values) {
    po::options_description all;
    all.add(options).add(general_options());
    po::store(po::command_line_parser(args).options(all).positional(positionals).run(), values);
    if (values.count("help") != 0U) {
        std::cout << "usage: " << usage << "\n\n" << all << "\n";
        return false;
    }
    po::notify(values);
    if (values.count("verbose") != 0U && values.count("quiet") != 0U) {
        throw util::UsageError("--verbose and --quiet exclude each other");
    }
    util::setup_logging(values.count("verbose") != 0U ? util::Verbosity::verbose
                        : values.count("quiet") != 0U ? util::Verbosity::quiet
                                                      : util::Verbosity::normal);
    return true;
}

} // namespace shoal::cmd
