#include "general_options.hpp"
#include "nix/closure.hpp"
#include "nix/local_store.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace shoal::cmd {
namespace {

void print_text(const std::vector<nix::PathInfo>& closure, std::uint64_t total_bytes) {
    for (const auto& info : closure) {
        std::cout << fmt::format("{}\t{}\t{}\n", info.path, info.nar_size, info.nar_hash);
    }
    std::cout << fmt::format("total: {} paths, {} bytes ({})\n", closure.size(), total_bytes,
                             util::format_bytes(total_bytes));
}

void print_json(const std::vector<nix::PathInfo>& closure, std::uint64_t total_bytes) {
    auto paths = nlohmann::json::array();
    for (const auto& info : closure) {
        paths.push_back({{"path", info.path},
                         {"nar_size", info.nar_size},
                         {"nar_hash", info.nar_hash},
                         {"references", info.references},
                         {"deriver", info.deriver},
                         {"sigs", info.sigs}});
    }
    const nlohmann::json document{
        {"paths", paths}, {"total_paths", closure.size()}, {"total_nar_bytes", total_bytes}};
    std::cout << document.dump(2) << "\n";
}

} // namespace

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
    std::uint64_t total_bytes = 0;
    for (const auto& info : closure) {
        total_bytes += info.nar_size;
    }
    if (values.count("json") != 0U) {
        print_json(closure, total_bytes);
    } else {
        print_text(closure, total_bytes);
    }
    return 0;
}

} // namespace shoal::cmd
