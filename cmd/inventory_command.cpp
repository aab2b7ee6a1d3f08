#include "general_options.hpp"
#include "inventory/inventory.hpp"
#include "selection_options.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace shoal::cmd {
namespace {

constexpr std::string_view check_usage =
    "shoal inventory check [-i] FILE [--json] [--hosts PATTERNS] [--group NAME] [--tag NAME]";

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

std::string joined(const std::vector<std::string>& items) {
    return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ","));
}

void print_table(const std::vector<inventory::Host>& hosts) {
    std::vector<std::vector<std::string>> rows{
        {"NAME", "ADDRESS", "PORT", "USER", "SITE", "RACK", "BANDWIDTH", "GROUPS", "TAGS"}};
    for (const auto& host : hosts) {
        rows.push_back({host.name, host.address, std::to_string(host.port), host.user,
                        or_dash(host.site), or_dash(host.rack),
                        util::format_bandwidth(host.bandwidth_bps), joined(host.groups),
                        joined(host.tags)});
    }
    std::vector<std::size_t> widths(rows.front().size());
    for (const auto& row : rows) {
        for (std::size_t column = 0; column < row.size(); ++column) {
            widths[column] = std::max(widths[column], row[column].size());
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t column = 0; column + 1 < row.size(); ++column) {
            line += fmt::format("{:<{}}  ", row[column], widths[column]);
        }
        std::cout << line << row.back() << "\n";
    }
}

// Bandwidth is in bits per second, as a number.
void print_json(const std::vector<inventory::Host>& hosts) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& host : hosts) {
        list.push_back({{"name", host.name},
                        {"address", host.address},
                        {"port", host.port},
                        {"user", host.user},
                        {"site", host.site},
                        {"rack", host.rack},
                        {"bandwidth", host.bandwidth_bps},
                        {"groups", host.groups},
                        {"tags", host.tags}});
    }
    std::cout << nlohmann::ordered_json{{"hosts", list}}.dump() << "\n";
}

int run_check(const std::vector<std::string>& args) {
    po::options_description options("Options");
    options.add_options()("inventory,i", po::value<std::string>()->value_name("FILE"),
                          "the inventory file (YAML)")(
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
    const auto inventory = inventory::load_inventory(values["inventory"].as<std::string>());
    const auto hosts = inventory::select_hosts(inventory, selection_from(values));
    spdlog::info("{}: {} hosts, {} selected", inventory.file, inventory.hosts.size(), hosts.size());
    if (values.count("json") != 0U) {
        print_json(hosts);
    } else {
        print_table(hosts);
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
