#include "byte_size.hpp"
#include "deploy/deployment.hpp"
#include "deploy_options.hpp"
#include "fleet/host_closures.hpp"
#include "general_options.hpp"
#include "inventory/bandwidth.hpp"
#include "io/termination_signals.hpp"
#include "nix/local_store.hpp"
#include "push/agent_program.hpp"
#include "push/direct_push.hpp"
#include "push/swarm_push.hpp"
#include "report/push_reporter.hpp"
#include "staging_option.hpp"
#include "swarm/endpoint.hpp"
#include "target_options.hpp"
#include "util/error.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>

namespace shoal::cmd {
namespace {

constexpr std::string_view push_usage = "shoal push -i INVENTORY [selection] [options] [PATH...]";

std::chrono::seconds whole_seconds(const po::variables_map& values, const char* name) {
    const auto seconds = values[name].as<unsigned>();
    if (seconds == 0) {
        throw util::UsageError(std::string("--") + name + " must be at least 1");
    }
    return std::chrono::seconds(seconds);
}

std::uint64_t bytes_per_second(const po::variables_map& values, const char* name) {
    return values.count(name) != 0U ? inventory::parse_bandwidth(values[name].as<std::string>()) / 8
                                    : 0;
}

// --agent-command (one command for every host, installed by the user), or
// each --agent's shoal for its system and, for its own system unless an
// --agent is for it, the running shoal.
std::vector<push::AgentProgram> agent_programs(const po::variables_map& values) {
    if (values.count("agent-command") != 0U) {
        if (values.count("agent") != 0U) {
            throw util::UsageError("--agent and --agent-command exclude each other");
        }
        return {push::AgentProgram{values["agent-command"].as<std::string>(), {}, {}}};
    }
    std::vector<push::AgentProgram> programs;
    if (values.count("agent") != 0U) {
        for (const auto& path : values["agent"].as<std::vector<std::string>>()) {
            auto program = push::agent_program_at(path);
            for (const auto& earlier : programs) {
                if (earlier.system == program.system) {
                    throw util::UsageError(fmt::format(
                        "--agent {}: another --agent is for {} already", path, program.system));
                }
            }
            programs.push_back(std::move(program));
        }
    }
    auto self = push::running_agent_program();
    if (push::agent_for(programs, self.system) == nullptr || self.system.empty()) {
        // First: it goes to hosts whose system is not known.
        programs.insert(programs.begin(), std::move(self));
    }
    return programs;
}

push::SwarmPushOptions swarm_options_from(const po::variables_map& values,
                                          push::DirectPushOptions direct,
                                          push::CompressionMode compression) {
    push::SwarmPushOptions options;
    options.direct = std::move(direct);
    options.compression = compression;
    options.agents = agent_programs(values);
    options.ask_systems = values.count("agent") != 0U;
    options.staging = staging_from(values);
    const auto& cache_size = values["nar-cache-size"].as<std::string>();
    options.nar_cache_bytes =
        cache_size == "0" ? 0 : parse_byte_size(cache_size, "--nar-cache-size");
    options.remote_staging = values["remote-staging"].as<std::string>();
    if (!options.remote_staging.starts_with('/')) {
        throw util::UsageError("--remote-staging must be an absolute path");
    }
    if (values.count("listen") != 0U) {
        // A bare IPv4 address takes the default port; IPv6 needs [ADDR]:PORT.
        auto text = values["listen"].as<std::string>();
        if (text.find(':') == std::string::npos) {
            text += fmt::format(":{}", inventory::default_swarm_port);
        }
        const auto endpoint = swarm::parse_endpoint(text);
        options.listen_address = endpoint.address;
        options.listen_port = endpoint.port;
    }
    options.fanout = values["fanout"].as<unsigned>();
    options.tunnel = values.count("tunnel") != 0U;
    if (options.tunnel && options.listen_address) {
        throw util::UsageError("--tunnel and --listen exclude each other: tunnelled, the "
                               "deployer's swarm listens only on 127.0.0.1");
    }
    if (values.count("source-bandwidth") != 0U) {
        options.source_bandwidth_bps =
            inventory::parse_bandwidth(values["source-bandwidth"].as<std::string>());
    }
    options.max_upload_rate = bytes_per_second(values, "max-upload-rate");
    options.max_download_rate = bytes_per_second(values, "max-download-rate");
    options.fallback = values.count("no-fallback") == 0U;
    options.keep_cache = values.count("keep-cache") != 0U;
    options.low_priority = values.count("low-priority") != 0U;
    if (options.low_priority) {
        spdlog::info("--low-priority: swarm traffic is marked DSCP Lower Effort (RFC 8622), "
                     "which routers that honour it send after other traffic; it still uses TCP "
                     "(uTP/LEDBAT is off: libtorrent 2.0.8's uTP can corrupt payload)");
    }
    options.stall_timeout = whole_seconds(values, "stall-timeout");
    options.linger = whole_seconds(values, "linger");
    return options;
}

} // namespace

int run_push(const std::vector<std::string>& args) {
    po::options_description options("Push options");
    options.add_options()("direct", "copy from the deployer to every host over SSH, no swarm")(
        "jobs,j", po::value<std::size_t>()->default_value(fleet::default_jobs)->value_name("N"),
        "diff (and with --direct, copy to) at most N hosts at once")(
        "substitute-on-destination,s", "let targets first fetch what their own substituters have")(
        "json", "write JSON events to stdout, one per line (human text goes to stderr)")(
        "compress", po::value<std::string>()->default_value("auto")->value_name("zstd|none|auto"),
        "how NARs travel: zstd (the swarm's NARs compressed once by the deployer, decompressed "
        "by agents as they import; Nix checks every NAR hash; direct copies through OpenSSH's "
        "client over compressed SSH), none, or auto: zstd when some link is slower than the "
        "deployer compresses (about 1.5 Gbit/s per core), and SSH compression for those direct "
        "copies when some link is slower than zlib (about 150 Mbit/s)")(
        "path", po::value<std::vector<std::string>>()->value_name("PATH"),
        "store paths (or symlinks such as ./result) whose closure every host gets, "
        "unless the inventory gives a host its own `closure:`");
    po::options_description swarm("Swarm (without --direct)");
    swarm.add_options()("agent-command", po::value<std::string>()->value_name("CMD"),
                        "runs `shoal agent` on a target (default: this shoal's own path, "
                        "plus ' agent'; a shoal in the Nix store first copies its own closure "
                        "to targets that lack it)")(
        "agent", po::value<std::vector<std::string>>()->value_name("PATH"),
        "a shoal for another system (its store path, or its binary): hosts of that system "
        "(the inventory's `system:`, else asked with `uname -sm`) run it, after getting its "
        "closure; repeatable. Hosts of a system no shoal is given for get a direct copy")(
        "fanout", po::value<unsigned>()->default_value(plan::default_fanout)->value_name("K"),
        "how many peers one host feeds at first")(
        "listen", po::value<std::string>()->value_name("ADDR[:PORT]"),
        fmt::format("where the deployer's swarm listens (default: its address towards the hosts, "
                    "port {}); it serves one slice of the torrent per port from PORT on, for up "
                    "to 8 hosts it feeds",
                    inventory::default_swarm_port)
            .c_str())(
        "source-bandwidth", po::value<std::string>()->value_name("RATE"),
        "the deployer's uplink for the planner, e.g. 1gbit (default: the hosts' own)")(
        "tunnel",
        "the hosts cannot connect to this machine (it is behind NAT, or they are behind a "
        "bastion): the deployer's slices reach them through SSH tunnels; chosen by itself for "
        "hosts behind a bastion that this machine has no route to")(
        "max-upload-rate", po::value<std::string>()->value_name("RATE"),
        "cap each host's swarm upload (the deployer's too), e.g. 200mbit")(
        "max-download-rate", po::value<std::string>()->value_name("RATE"),
        "cap each host's swarm download, e.g. 200mbit")(
        "nar-cache-size",
        po::value<std::string>()
            ->default_value(fmt::format("{}GiB", push::default_nar_cache_bytes >> 30))
            ->value_name("SIZE"),
        "staged NARs kept under the staging directory for later pushes (e.g. 2GiB, 500MB), least "
        "recently used out first; 0 keeps none")(
        "remote-staging",
        po::value<std::string>()
            ->default_value(std::string(push::default_remote_staging))
            ->value_name("DIR"),
        "where agents keep downloads and resume data on the targets")(
        "stall-timeout",
        po::value<unsigned>()
            ->default_value(static_cast<unsigned>(push::default_stall_timeout.count()))
            ->value_name("S"),
        "fall back to a direct copy for a host whose download made no progress for S seconds")(
        "linger",
        po::value<unsigned>()
            ->default_value(static_cast<unsigned>(push::default_linger.count()))
            ->value_name("S"),
        "agents keep seeding at most S seconds after their own download")(
        "no-fallback", "do not copy directly to hosts whose swarm download failed")(
        "keep-cache", "keep staged NARs on the deployer and the targets after success")(
        "low-priority", "mark swarm traffic as background (DSCP Lower Effort)");
    options.add(swarm)
        .add(staging_option())
        .add(profile_options())
        .add(rollout_options())
        .add(target_options())
        .add(remote_options());
    po::positional_options_description positionals;
    positionals.add("path", -1);
    po::variables_map values;
    if (!parse_command_line(args, push_usage, options, positionals, values)) {
        return 0;
    }
    push::DirectPushOptions direct;
    direct.remote = remote_options_from(values);
    direct.substitute_on_destination = values.count("substitute-on-destination") != 0U;
    direct.jobs = values["jobs"].as<std::size_t>();
    if (direct.jobs == 0) {
        throw util::UsageError("--jobs must be at least 1");
    }
    const bool use_swarm = values.count("direct") == 0U;
    const auto compression = push::parse_compression_mode(values["compress"].as<std::string>());
    push::SwarmPushOptions swarm_options;
    if (use_swarm) {
        swarm_options = swarm_options_from(values, direct, compression);
    }
    const auto deploy_options = deploy_options_from(values, direct.remote, direct.jobs);
    const auto hosts = selected_hosts(values);
    if (!use_swarm) {
        direct.remote.compress = push::compress_direct_connections(hosts, compression);
    }
    const auto paths = values.count("path") != 0U ? values["path"].as<std::vector<std::string>>()
                                                  : std::vector<std::string>{};

    const bool json = values.count("json") != 0U;
    report::PushReporter reporter(json ? &std::cout : nullptr, json ? std::cerr : std::cout);
    const auto start = std::chrono::steady_clock::now();
    // A swarm push must tell its agents to stop and keep their downloads for a
    // rerun, so SIGINT, SIGTERM and SIGHUP become a flag. Made before any
    // thread (the local nix-store's stderr reader is one): threads inherit the mask.
    std::optional<io::TerminationSignals> signals;
    if (use_swarm) {
        signals.emplace();
    }
    nix::LocalStore local_store;
    const fleet::HostClosures closures(local_store.connection(), hosts, paths);
    // Checks the deploy settings: usage errors come before any connection.
    deploy::Deployment deployment(hosts, closures, deploy_options, reporter);
    // One SSH connection per host for the whole push, pinning its closure
    // until its profile holds it (or the push ends).
    const auto connections = push::connect_hosts(hosts, closures, direct, reporter);
    const auto finish = [&](std::vector<report::HostOutcome> pushed, auto interrupted) {
        auto outcomes = deployment.finish(*connections, std::move(pushed), interrupted);
        reporter.summary(
            outcomes,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            deployment.unrooted());
        return outcomes;
    };
    std::vector<report::HostOutcome> outcomes;
    if (signals) {
        outcomes =
            finish(push::push_swarm(*connections, closures, swarm_options, reporter, *signals),
                   [&] { return signals->received() != nullptr; });
        if (signals->received() != nullptr) {
            return 128 + signals->number();
        }
    } else {
        // A direct push may die at any moment: Nix registers a path only whole,
        // and a host whose activation is not confirmed rolls back by itself.
        outcomes = finish(push::push_direct(*connections, direct, reporter), [] { return false; });
    }
    for (const auto& outcome : outcomes) {
        if (!outcome.ok) {
            return 1;
        }
    }
    return 0;
}

} // namespace shoal::cmd
