#include "byte_size.hpp"
#include "fleet/host_closures.hpp"
#include "general_options.hpp"
#include "inventory/bandwidth.hpp"
#include "inventory/inventory.hpp"
#include "nix/local_store.hpp"
#include "plan/dot_report.hpp"
#include "plan/json_report.hpp"
#include "plan/planner.hpp"
#include "plan/simulator.hpp"
#include "plan/text_report.hpp"
#include "selection_options.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <iostream>
#include <spdlog/spdlog.h>

namespace shoal::cmd {
namespace {

constexpr std::string_view plan_usage =
    "shoal plan -i INVENTORY [selection] --assume-empty (PATH... | --closure-size SIZE) "
    "[--fanout K] [--source-bandwidth BW] [--format text|json|dot] [--simulate]";

// Hosts without a site or rack still plan fine; they share the unnamed one.
std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

plan::HostNeeds needs_of(const inventory::Host& host) {
    return {host.name, or_dash(host.site), or_dash(host.rack), host.bandwidth_bps, {}};
}

// A made-up closure of `count` equal paths for fleets that cannot be reached
// (yet): what-if planning.
void add_synthetic_closure(plan::Fleet& fleet, const std::vector<inventory::Host>& hosts,
                           std::uint64_t total_bytes, unsigned count) {
    if (count == 0 || count > total_bytes) {
        throw util::UsageError(fmt::format(
            "--closure-paths {} must be between 1 and the closure's size in bytes", count));
    }
    std::vector<plan::PathId> paths;
    for (unsigned i = 0; i < count; ++i) {
        const std::uint64_t bytes = total_bytes / count + (i < total_bytes % count ? 1 : 0);
        paths.push_back(fleet.paths.add(fmt::format("/nix/store/synthetic-{:05}", i), bytes));
    }
    for (const auto& host : hosts) {
        if (!host.closure.empty()) {
            spdlog::warn("{}: its own closure is ignored: --closure-size plans one synthetic "
                         "closure for every host",
                         host.name);
        }
        fleet.hosts.push_back(needs_of(host));
        fleet.hosts.back().missing = paths;
    }
}

void add_local_closures(plan::Fleet& fleet, const std::vector<inventory::Host>& hosts,
                        const std::vector<std::string>& command_paths) {
    nix::LocalStore store;
    const fleet::HostClosures closures(store.connection(), hosts, command_paths);
    for (const auto& host : hosts) {
        fleet.hosts.push_back(needs_of(host));
        for (const auto& info : closures.closure_of(host.name)) {
            fleet.hosts.back().missing.push_back(fleet.paths.add(info.path, info.nar_size));
        }
    }
}

enum class Format { text, json, dot };

Format format_from(const po::variables_map& values) {
    const auto& name = values["format"].as<std::string>();
    if (values.count("json") != 0U) {
        if (!values["format"].defaulted() && name != "json") {
            throw util::UsageError(fmt::format("--json contradicts --format {}", name));
        }
        return Format::json;
    }
    if (name == "text") {
        return Format::text;
    }
    if (name == "json") {
        return Format::json;
    }
    if (name == "dot") {
        return Format::dot;
    }
    throw util::UsageError(fmt::format("--format {} is unknown: use text, json or dot", name));
}

} // namespace

int run_plan(const std::vector<std::string>& args) {
    po::options_description options("Options");
    options.add_options()("inventory,i", po::value<std::string>(), "inventory file (required)")(
        "assume-empty", "plan as if every host lacked its whole closure; contacts no host")(
        "closure-size", po::value<std::string>(),
        "instead of store paths: a synthetic closure of this size (e.g. 2GiB)")(
        "closure-paths", po::value<unsigned>()->default_value(200),
        "number of equal store paths in the synthetic closure")(
        "fanout", po::value<unsigned>()->default_value(4), "peers a host feeds at first (>= 3)")(
        "source-bandwidth", po::value<std::string>()->default_value("1gbit"),
        "the deployer's uplink, e.g. 1gbit or 125M")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json or dot")("json", "same as --format json")(
        "simulate", "also play the plan piece by piece and report predicted completion")(
        "piece-size", po::value<std::string>()->default_value("4MiB"),
        "the swarm's piece size")("path", po::value<std::vector<std::string>>(),
                                  "store paths: the closure of hosts without their own `closure:`");
    options.add(selection_options());
    po::positional_options_description positionals;
    positionals.add("path", -1);
    po::variables_map values;
    if (!parse_command_line(args, plan_usage, options, positionals, values)) {
        return 0;
    }
    if (values.count("inventory") == 0U) {
        throw util::UsageError("shoal plan needs an inventory: -i FILE");
    }
    if (values.count("assume-empty") == 0U) {
        throw util::UsageError("shoal plan needs --assume-empty for now: it plans as if every "
                               "host lacked its whole closure, without contacting any host");
    }
    const auto command_paths = values.count("path") != 0U
                                   ? values["path"].as<std::vector<std::string>>()
                                   : std::vector<std::string>{};
    const bool synthetic = values.count("closure-size") != 0U;
    if (synthetic && !command_paths.empty()) {
        throw util::UsageError("give store paths or --closure-size, not both");
    }
    const Format format = format_from(values);
    const bool simulate = values.count("simulate") != 0U;
    if (simulate && format == Format::dot) {
        throw util::UsageError("--simulate reports as text or JSON, not with --format dot");
    }
    const plan::PlanOptions plan_options{
        .fanout = values["fanout"].as<unsigned>(),
        .piece_size = parse_byte_size(values["piece-size"].as<std::string>(), "--piece-size")};

    const auto inventory = inventory::load_inventory(values["inventory"].as<std::string>());
    const auto hosts = inventory::select_hosts(inventory, selection_from(values));
    plan::Fleet fleet;
    fleet.source_bandwidth_bps =
        inventory::parse_bandwidth(values["source-bandwidth"].as<std::string>());
    if (synthetic) {
        add_synthetic_closure(
            fleet, hosts,
            parse_byte_size(values["closure-size"].as<std::string>(), "--closure-size"),
            values["closure-paths"].as<unsigned>());
    } else {
        add_local_closures(fleet, hosts, command_paths);
    }
    const plan::Plan plan = plan::make_plan(fleet, plan_options);
    spdlog::debug("planned {} hosts, {} waves deep", plan.hosts.size(), plan.depth);

    switch (format) {
    case Format::dot:
        std::cout << plan::plan_dot(plan);
        break;
    case Format::json: {
        auto document = plan::plan_json(plan);
        if (simulate) {
            document["simulation"] =
                plan::simulation_json(plan::simulate(plan, {.piece_size = plan.piece_size}));
        }
        std::cout << document.dump(2) << "\n";
        break;
    }
    case Format::text:
        std::cout << plan::plan_text(plan);
        if (simulate) {
            std::cout << "\n"
                      << plan::simulation_text(
                             plan, plan::simulate(plan, {.piece_size = plan.piece_size}));
        }
        break;
    }
    return 0;
}

} // namespace shoal::cmd
