#include "byte_size.hpp"
#include "fleet/host_closures.hpp"
#include "fleet/host_connections.hpp"
#include "general_options.hpp"
#include "inventory/bandwidth.hpp"
#include "nix/local_store.hpp"
#include "plan/dot_report.hpp"
#include "plan/json_report.hpp"
#include "plan/planner.hpp"
#include "plan/simulator.hpp"
#include "plan/text_report.hpp"
#include "push/compression_choice.hpp"
#include "push/nar_cache.hpp"
#include "push/plan_input.hpp"
#include "push/source_address.hpp"
#include "staging_option.hpp"
#include "target_options.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>

namespace shoal::cmd {
namespace {

constexpr std::string_view plan_usage =
    "shoal plan -i INVENTORY [selection] (PATH... | --assume-empty (PATH... | --closure-size "
    "SIZE)) "
    "[--fanout K] [--source-bandwidth BW] [--format text|json|dot] [--simulate]";

// A made-up closure of `count` equal paths for fleets that cannot be reached
// (yet): what-if planning.
void add_synthetic_closure(plan::Fleet& fleet, const std::vector<inventory::Host>& hosts,
                           std::uint64_t total_bytes, unsigned count) {
    if (count == 0 || count > total_bytes) {
        throw util::UsageError(fmt::format(
            "--closure-paths {} must be between 1 and the closure's size in bytes", count));
    }
    std::vector<nix::PathInfo> paths(count);
    for (unsigned i = 0; i < count; ++i) {
        paths[i].path = fmt::format("/nix/store/synthetic-{:05}", i);
        paths[i].nar_size = total_bytes / count + (i < total_bytes % count ? 1 : 0);
    }
    for (const auto& host : hosts) {
        if (!host.closure.empty()) {
            spdlog::warn("{}: its own closure is ignored: --closure-size plans one synthetic "
                         "closure for every host",
                         host.name);
        }
        push::add_to_plan(fleet, host, paths);
    }
}

// Asks every host what it lacks (one QueryValidPaths each, as a push would)
// and plans exactly that. Returns false if some host could not be asked:
// the plan then leaves it out.
bool add_host_diffs(plan::Fleet& fleet, const std::vector<inventory::Host>& hosts,
                    const fleet::HostClosures& closures, const po::variables_map& values) {
    const fleet::HostConnections diffs(
        hosts, closures, remote_options_from(values),
        values.count("substitute-on-destination") != 0U, values["jobs"].as<std::size_t>(),
        fleet::Pin::no, [](const fleet::HostConnections& answered, std::size_t i) {
            if (!answered.reached(i)) {
                spdlog::error("{}: left out of the plan: {}", answered.hosts()[i].name,
                              answered.error(i));
            }
        });
    bool all_answered = true;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        all_answered = all_answered && diffs.reached(i);
        if (diffs.reached(i)) {
            push::add_to_plan(fleet, hosts[i], diffs.diff(i).missing);
        }
    }
    return all_answered;
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

// How a swarm push to these hosts would reach them, as push decides it.
void say_swarm_mode(const std::vector<inventory::Host>& hosts) {
    std::vector<const inventory::Host*> targets;
    for (const auto& host : hosts) {
        targets.push_back(&host);
    }
    try {
        const auto reach = push::swarm_reach(targets, std::nullopt, false);
        spdlog::info("swarm: {} ({})", reach.tunnel ? "tunnelled" : "direct", reach.how);
    } catch (const util::Error& e) {
        spdlog::warn("swarm: the hosts may not reach this machine ({}): push with --listen ADDR "
                     "or --tunnel",
                     e.what());
    }
}

// Counts the paths the push's NAR cache holds staged as push's default
// compression would stage them at their files' sizes, and says so.
void say_staged_sizes(plan::Fleet& fleet, const std::vector<nix::PathInfo>& paths,
                      const std::filesystem::path& staging) {
    const auto compression = push::choose_compression(push::CompressionMode::automatic, fleet);
    const auto cached = push::use_cached_sizes(
        fleet, paths,
        push::NarCache(push::nar_cache_directory(staging), push::default_nar_cache_bytes),
        compression.compression);
    spdlog::info("compression: {} (push's default); the estimate counts {} of {} NARs as staged "
                 "in {}, the rest {}",
                 compression.why, cached, fleet.paths.size(),
                 push::nar_cache_directory(staging).string(),
                 compression.compression == nix::NarCompression::zstd
                     ? "uncompressed (their compressed size is known once staged)"
                     : "as they are");
}

} // namespace

int run_plan(const std::vector<std::string>& args) {
    po::options_description options("Options");
    options.add_options()("assume-empty",
                          "plan as if every host lacked its whole closure; contacts no host")(
        "closure-size", po::value<std::string>(),
        "instead of store paths: a synthetic closure of this size (e.g. 2GiB)")(
        "closure-paths", po::value<unsigned>()->default_value(200),
        "number of equal store paths in the synthetic closure")(
        "fanout", po::value<unsigned>()->default_value(plan::default_fanout),
        "peers a host feeds at first (>= 3)")(
        "source-bandwidth", po::value<std::string>(),
        "the deployer's uplink, e.g. 1gbit or 125M (default: the fastest link of the hosts "
        "that need something, as shoal push assumes)")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json or dot")("json", "same as --format json")(
        "simulate", "also play the plan piece by piece and report predicted completion")(
        "piece-size", po::value<std::string>(),
        "the swarm's piece size (default: the push's, from the closure's size)")(
        "path", po::value<std::vector<std::string>>(),
        "store paths: the closure of hosts without their own `closure:`")(
        "jobs,j", po::value<std::size_t>()->default_value(fleet::default_jobs)->value_name("N"),
        "ask at most N hosts at once what they lack")(
        "substitute-on-destination,s", "as shoal push -s: hosts first substitute what they can");
    options.add(staging_option()).add(target_options()).add(remote_options());
    po::positional_options_description positionals;
    positionals.add("path", -1);
    po::variables_map values;
    if (!parse_command_line(args, plan_usage, options, positionals, values)) {
        return 0;
    }
    const bool assume_empty = values.count("assume-empty") != 0U;
    const auto command_paths = values.count("path") != 0U
                                   ? values["path"].as<std::vector<std::string>>()
                                   : std::vector<std::string>{};
    const bool synthetic = values.count("closure-size") != 0U;
    if (synthetic && !command_paths.empty()) {
        throw util::UsageError("give store paths or --closure-size, not both");
    }
    if (synthetic && !assume_empty) {
        throw util::UsageError("--closure-size plans a made-up closure: it needs --assume-empty");
    }
    if (values["jobs"].as<std::size_t>() == 0) {
        throw util::UsageError("--jobs must be at least 1");
    }
    const Format format = format_from(values);
    const bool simulate = values.count("simulate") != 0U;
    if (simulate && format == Format::dot) {
        throw util::UsageError("--simulate reports as text or JSON, not with --format dot");
    }
    // Checked before any host is asked; without it, the push's own.
    std::optional<std::uint64_t> given_piece_size;
    if (values.count("piece-size") != 0U) {
        given_piece_size = parse_byte_size(values["piece-size"].as<std::string>(), "--piece-size");
    }
    const std::uint64_t given_source_bandwidth =
        values.count("source-bandwidth") != 0U
            ? inventory::parse_bandwidth(values["source-bandwidth"].as<std::string>())
            : 0;

    const auto hosts = selected_hosts(values);
    plan::Fleet fleet;
    if (synthetic) {
        add_synthetic_closure(
            fleet, hosts,
            parse_byte_size(values["closure-size"].as<std::string>(), "--closure-size"),
            values["closure-paths"].as<unsigned>());
    }
    bool all_answered = true;
    std::vector<nix::PathInfo> closure_paths; // of every host, none when synthetic
    if (!synthetic) {
        nix::LocalStore store;
        const fleet::HostClosures closures(store.connection(), hosts, command_paths);
        if (assume_empty) {
            for (const auto& host : hosts) {
                push::add_to_plan(fleet, host, closures.closure_of(host.name));
            }
        } else {
            all_answered = add_host_diffs(fleet, hosts, closures, values);
        }
        closure_paths = closures.all_paths();
    }
    fleet.source_bandwidth_bps = push::source_bandwidth(fleet, given_source_bandwidth);
    say_staged_sizes(fleet, closure_paths, staging_from(values));
    const plan::PlanOptions plan_options{
        .fanout = values["fanout"].as<unsigned>(),
        .piece_size = given_piece_size.value_or(push::swarm_piece_size(fleet)),
        .jobs = values["jobs"].as<std::size_t>()};
    const plan::Plan plan = plan::make_plan(fleet, plan_options);
    spdlog::debug("planned {} hosts, {} waves deep", plan.hosts.size(), plan.depth);
    say_swarm_mode(hosts);

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
    return all_answered ? 0 : 1;
}

} // namespace shoal::cmd
