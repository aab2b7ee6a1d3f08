#include "general_options.hpp"
#include "nix/closure.hpp"
#include "nix/local_store.hpp"
#include "report/closure_listing.hpp"
#include "util/error.hpp"

#include <iostream>

namespace shoal::cmd {

int run_closure(const std::vector<std::string>& args) {
    po::options_description options("Options");
    options.add_options()("json", "print the closure as JSON")(
        "path", po::value<std::vector<std::string>>(), "store path, path inside one, or symlink");
    po::positional_options_description positionals;
    positionals.add("path", -1);
    po::variables_map values;
    if (!parse_command_line(args, "shoal closure PATH... [--json]", options, positionals, values)) {
        return 0;
    }
    if (values.count("path") == 0U) {
        throw util::UsageError("shoal closure needs at least one path");
    }
    std::set<std::string> roots;
    for (const auto& argument : values["path"].as<std::vector<std::string>>()) {
        roots.insert(nix::resolve_store_path(argument));
    }

    nix::LocalStore store;
    const auto closure = nix::read_closure(store.connection(), roots);
    if (values.count("json") != 0U) {
        report::write_closure_json(std::cout, closure);
    } else {
        report::write_closure_text(std::cout, closure);
    }
    return 0;
}

} // namespace shoal::cmd
