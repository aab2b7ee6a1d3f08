#include "general_options.hpp"
#include "inventory/inventory.hpp"
#include "report/host_listing.hpp"
#include "selection_options.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <iostream>
#include <spdlog/spdlog.h>

namespace shoal::cmd {
namespace {

constexpr std::string_view check_usage =
    "shoal inventory check [-i] FILE [-F SSH_CONFIG] [--json] [--hosts PATTERNS] [--group NAME] "
    "[--tag NAME]";

int run_check(const std::vector<std::string>& args) {
    po::options_description options("Options");
    options.add_options()("inventory,i", po::value<std::string>()->value_name("FILE"),
                          "the inventory file (YAML)")(
        "ssh-config,F", po::value<std::string>()->value_name("FILE"),
        "the OpenSSH client configuration for the hosts (as for push)")(
        "json", "print {\"hosts\":[...]} instead of a table (bandwidth in bit/s)");
    options.add(selection_options());
    po::positional_options_description positionals;
    positionals.add("inventory", 1);
    po::variables_map values;
    if (!parse_command_line(args, check_usage, options, positionals, values)) {
        return 0;
    }
    if (values.count("inventory") == 0U) {
        throw util::UsageError(fmt::format("no inventory file given; usage: {}", check_usage));
    }
    inventory::SshConfigChoice ssh_config;
    if (values.count("ssh-config") != 0U) {
        ssh_config.file = values["ssh-config"].as<std::string>();
    }
    const auto inventory =
        inventory::load_inventory(values["inventory"].as<std::string>(), ssh_config);
    const auto hosts = inventory::select_hosts(inventory, selection_from(values));
    spdlog::info("{}: {} hosts, {} selected", inventory.file, inventory.hosts.size(), hosts.size());
    for (const auto& host : hosts) {
        for (const auto& note : host.ssh_config_notes) {
            spdlog::warn("{}: {}", host.name, note);
        }
    }
    if (values.count("json") != 0U) {
        report::write_host_json(std::cout, hosts);
    } else {
        report::write_host_table(std::cout, hosts);
    }
    return 0;
}

} // namespace

int run_inventory(const std::vector<std::string>& args) {
    if (args.empty()) {
        throw util::UsageError(fmt::format("missing subcommand; usage: {}", check_usage));
    }
    if (args.front() == "check") {
        return run_check({args.begin() + 1, args.end()});
    }
    if (args.front() == "--help" || args.front() == "-h") {
        return run_check(args);
    }
    throw util::UsageError(
        fmt::format("unknown subcommand 'inventory {}'; usage: {}", args.front(), check_usage));
}

} // namespace shoal::cmd
