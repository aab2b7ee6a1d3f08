#include "report/push_reporter.hpp"

#include "util/units.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::report {
namespace {

double rounded(double seconds) {
    return std::round(seconds * 1000) / 1000;
}

// The last lines of a command's output, indented under a message.
std::string indented_tail(std::string_view output) {
    constexpr std::size_t max_lines = 20;
    std::vector<std::string_view> lines;
    while (!output.empty()) {
        const auto end = output.find('\n');
        lines.push_back(output.substr(0, end));
        output = end == std::string_view::npos ? std::string_view() : output.substr(end + 1);
    }
    const std::size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
    std::string text;
    for (std::size_t i = first; i < lines.size(); ++i) {
        text += fmt::format("\n    | {}", lines[i]);
    }
    return text;
}

nlohmann::json optional_number(std::optional<unsigned> value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::string deploy_text(const HostOutcome& outcome) {
    const auto generation =
        outcome.generation ? fmt::format("generation {}", *outcome.generation) : "no generation";
    switch (outcome.deploy) {
    case Deploy::none:
        return "";
    case Deploy::profile_set:
        return generation;
    case Deploy::activated:
        return generation + ", activated";
    case Deploy::rolled_back:
        return "rolled back to " + generation;
    case Deploy::not_activated:
        return "not activated";
    case Deploy::failed:
        return "deploy failed";
    }
    return "";
}

} // namespace

PushReporter::PushReporter(std::ostream* events, std::ostream& human) : human_(human) {
    if (events != nullptr) {
        events_.emplace(*events);
    }
}

void PushReporter::say(const std::string& line) {
    std::lock_guard lock(human_mutex_);
    human_ << line << '\n';
    human_.flush();
}

void PushReporter::host_connected(std::string_view host, std::string_view destination) {
    spdlog::debug("{}: connected to {}", host, destination);
    if (events_) {
        events_->write("host-connected", {{"host", host}, {"destination", destination}});
    }
}

void PushReporter::host_diff(std::string_view host, const std::vector<std::string>& missing_paths,
                             std::uint64_t missing_bytes) {
    say(missing_paths.empty() ? fmt::format("{}: has the whole closure", host)
                              : fmt::format("{}: needs {} paths, {}", host, missing_paths.size(),
                                            util::format_bytes(missing_bytes)));
    if (events_) {
        events_->write(
            "host-diff",
            {{"host", host}, {"missing_paths", missing_paths}, {"missing_bytes", missing_bytes}});
    }
}

void PushReporter::path_copied(std::string_view host, std::string_view path, std::uint64_t bytes,
                               double seconds) {
    spdlog::debug("{}: copied {} ({}, {})", host, path, util::format_bytes(bytes),
                  util::format_seconds(seconds));
    if (events_) {
        events_->write(
            "path-copied",
            {{"host", host}, {"path", path}, {"bytes", bytes}, {"seconds", rounded(seconds)}});
    }
}

void PushReporter::host_finished(const HostOutcome& outcome) {
    if (outcome.ok) {
        say(fmt::format("{}: done: {} paths, {} in {}", outcome.host, outcome.paths,
                        util::format_bytes(outcome.bytes), util::format_seconds(outcome.seconds)));
    } else {
        say(fmt::format("{}: FAILED: {}", outcome.host, outcome.error));
    }
    if (events_) {
        nlohmann::json fields = {{"host", outcome.host},
                                 {"paths", outcome.paths},
                                 {"bytes", outcome.bytes},
                                 {"seconds", rounded(outcome.seconds)}};
        if (!outcome.ok) {
            fields["error"] = outcome.error;
        }
        if (outcome.fell_back) {
            fields["fallback"] = true;
        }
        events_->write(outcome.ok ? "host-done" : "host-failed", fields);
    }
}

void PushReporter::agent_ready(std::string_view host) {
    spdlog::debug("{}: agent ready", host);
    if (events_) {
        events_->write("agent-ready", {{"host", host}});
    }
}

void PushReporter::path_imported(std::string_view host, std::string_view path) {
    spdlog::debug("{}: imported {}", host, path);
    if (events_) {
        events_->write("path-imported", {{"host", host}, {"path", path}});
    }
}

void PushReporter::host_fallback(std::string_view host, std::string_view reason) {
    say(fmt::format("{}: swarm failed ({}): copying directly", host, reason));
    if (events_) {
        events_->write("host-fallback", {{"host", host}, {"reason", reason}});
    }
}

void PushReporter::host_stuck(std::string_view host) {
    say(fmt::format("{} is stuck: giving it every slice of the deployer", host));
    if (events_) {
        events_->write("host-stuck", {{"host", host}});
    }
}

void PushReporter::swarm_mode(std::string_view mode, std::string_view how) {
    swarm_mode_ = fmt::format("swarm: {} ({})", mode, how);
    say(swarm_mode_);
    if (events_) {
        events_->write("swarm-mode", {{"mode", mode}, {"how", how}});
    }
}

void PushReporter::staged(std::size_t paths, std::size_t reused, std::uint64_t nar_bytes,
                          std::uint64_t staged_bytes, std::string_view compression,
                          std::string_view why) {
    const double ratio = staged_bytes == 0
                             ? 1.0
                             : static_cast<double>(nar_bytes) / static_cast<double>(staged_bytes);
    staging_ = fmt::format("staged: {} NARs ({} reused), {} as {} ({:.2f}x); compression: {}",
                           paths, reused, util::format_bytes(nar_bytes),
                           util::format_bytes(staged_bytes), ratio, why);
    say(staging_);
    if (events_) {
        events_->write("staged", {{"paths", paths},
                                  {"reused", reused},
                                  {"nar_bytes", nar_bytes},
                                  {"staged_bytes", staged_bytes},
                                  {"compression", compression},
                                  {"why", why}});
    }
}

void PushReporter::peer_banned(std::string_view host, std::string_view peer,
                               std::string_view endpoint) {
    const auto who = peer.empty() ? fmt::format("{}, outside the inventory", endpoint)
                                  : fmt::format("{} ({})", peer, endpoint);
    say(fmt::format("{}: banned {}: it sent data that failed its hash check", host, who));
    if (events_) {
        nlohmann::json fields = {{"host", host}, {"address", endpoint}};
        if (!peer.empty()) {
            fields["peer"] = peer;
        }
        events_->write("peer-banned", fields);
    }
}

void PushReporter::swarm_progress(const std::vector<HostProgress>& hosts, double seconds) {
    std::uint64_t downloaded = 0;
    std::uint64_t wanted = 0;
    std::size_t imported = 0;
    std::size_t paths = 0;
    std::size_t complete = 0;
    for (const auto& h : hosts) {
        downloaded += h.downloaded;
        wanted += h.wanted;
        imported += h.imported;
        paths += h.paths;
        complete += h.complete ? 1 : 0;
    }
    const double interval = seconds - std::exchange(last_progress_seconds_, seconds);
    const double rate =
        interval > 0
            ? static_cast<double>(downloaded - std::min(downloaded, last_downloaded_)) / interval
            : 0;
    last_downloaded_ = downloaded;
    const auto percent =
        wanted > 0 ? 100.0 * static_cast<double>(downloaded) / static_cast<double>(wanted) : 100.0;
    // Once every byte is in, the hosts are importing: a rate of 0 B/s and
    // an ETA would say nothing of that.
    const std::string transfer =
        downloaded < wanted
            ? fmt::format(
                  "{}/s, ETA {}", util::format_bytes(static_cast<std::uint64_t>(rate)),
                  rate > 0 ? util::format_seconds(static_cast<double>(wanted - downloaded) / rate)
                           : "?")
            : "all downloaded";
    say(fmt::format("swarm: {}/{} hosts complete, {} of {} ({:.0f}%), {}; {} of {} paths imported",
                    complete, hosts.size(), util::format_bytes(downloaded),
                    util::format_bytes(wanted), percent, transfer, imported, paths));
    if (events_) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& h : hosts) {
            list.push_back({{"host", h.host},
                            {"downloaded", h.downloaded},
                            {"wanted", h.wanted},
                            {"imported_paths", h.imported},
                            {"paths", h.paths},
                            {"complete", h.complete}});
        }
        events_->write("progress", {{"downloaded", downloaded},
                                    {"wanted", wanted},
                                    {"bytes_per_second", static_cast<std::uint64_t>(rate)},
                                    {"imported_paths", imported},
                                    {"paths", paths},
                                    {"hosts", list}});
    }
}

void PushReporter::profile_set(const ProfileSet& change) {
    say(fmt::format("{}: {} is generation {} -> {}{}", change.host, change.profile,
                    change.generation, change.path, change.created ? "" : " (already)"));
    if (events_) {
        events_->write("host-profile-set",
                       {{"host", change.host},
                        {"profile", change.profile},
                        {"path", change.path},
                        {"generation", change.generation},
                        {"previous_generation", optional_number(change.previous_generation)},
                        {"created", change.created}});
    }
}

void PushReporter::rollout_stage(std::size_t number, std::string_view kind,
                                 const std::vector<std::string>& hosts) {
    say(fmt::format("activation stage {} ({}): {} hosts", number, kind, hosts.size()));
    if (events_) {
        events_->write("rollout-stage", {{"stage", number}, {"kind", kind}, {"hosts", hosts}});
    }
}

void PushReporter::activated(std::string_view host, unsigned generation) {
    say(fmt::format("{}: activated generation {}", host, generation));
    if (events_) {
        events_->write("host-activated", {{"host", host}, {"generation", generation}});
    }
}

void PushReporter::activation_failed(std::string_view host, std::string_view error,
                                     std::string_view output) {
    say(fmt::format("{}: ACTIVATION FAILED: {}{}", host, error, indented_tail(output)));
    if (events_) {
        events_->write("host-activation-failed",
                       {{"host", host}, {"error", error}, {"output", output}});
    }
}

void PushReporter::health_failed(std::string_view host, std::string_view error,
                                 std::string_view output) {
    say(fmt::format("{}: HEALTH CHECK FAILED: {}{}", host, error, indented_tail(output)));
    if (events_) {
        events_->write("host-health-failed",
                       {{"host", host}, {"error", error}, {"output", output}});
    }
}

void PushReporter::confirmed(std::string_view host) {
    spdlog::debug("{}: confirmed over a fresh connection", host);
    if (events_) {
        events_->write("host-confirmed", {{"host", host}});
    }
}

void PushReporter::rolled_back(std::string_view host, std::optional<unsigned> generation,
                               std::string_view reason) {
    say(fmt::format("{}: rolled back to {} ({})", host,
                    generation ? fmt::format("generation {}", *generation) : "no generation",
                    reason));
    if (events_) {
        events_->write(
            "host-rolled-back",
            {{"host", host}, {"generation", optional_number(generation)}, {"reason", reason}});
    }
}

void PushReporter::not_activated(std::string_view host, std::string_view reason) {
    say(fmt::format("{}: not activated: {}", host, reason));
    if (events_) {
        events_->write("host-not-activated", {{"host", host}, {"reason", reason}});
    }
}

void PushReporter::rollout_stopped(std::string_view reason, std::size_t failures) {
    say(fmt::format("rollout stopped: {}", reason));
    if (events_) {
        events_->write("rollout-stopped", {{"reason", reason}, {"failures", failures}});
    }
}

void PushReporter::summary(const std::vector<HostOutcome>& outcomes, double seconds,
                           bool unrooted) {
    std::size_t name_width = 4;
    std::size_t deploy_width = 0;
    for (const auto& o : outcomes) {
        name_width = std::max(name_width, o.host.size());
        deploy_width = std::max(deploy_width, deploy_text(o).size());
    }
    if (deploy_width > 0) {
        deploy_width = std::max<std::size_t>(deploy_width, 7);
    }
    const auto deploy_column = [&](std::string_view text) {
        return deploy_width == 0 ? std::string() : fmt::format("{:<{}}  ", text, deploy_width);
    };
    std::string table =
        fmt::format("\n{:<{}}  {:>6}  {:>10}  {:>8}  {}{}\n", "HOST", name_width, "PATHS", "BYTES",
                    "SECONDS", deploy_column("PROFILE"), "RESULT");
    std::size_t failed = 0;
    std::size_t activated = 0;
    std::size_t rolled_back = 0;
    std::size_t not_activated = 0;
    std::uint64_t bytes = 0;
    for (const auto& o : outcomes) {
        failed += o.ok ? 0 : 1;
        activated += o.deploy == Deploy::activated ? 1 : 0;
        rolled_back += o.deploy == Deploy::rolled_back ? 1 : 0;
        not_activated += o.deploy == Deploy::not_activated ? 1 : 0;
        bytes += o.bytes;
        table += fmt::format("{:<{}}  {:>6}  {:>10}  {:>8.1f}  {}{}\n", o.host, name_width, o.paths,
                             util::format_bytes(o.bytes), o.seconds, deploy_column(deploy_text(o)),
                             o.ok ? "ok" : "failed: " + o.error);
    }
    table += fmt::format("{} hosts: {} ok, {} failed; {} imported in {}", outcomes.size(),
                         outcomes.size() - failed, failed, util::format_bytes(bytes),
                         util::format_seconds(seconds));
    if (!swarm_mode_.empty()) {
        table += "\n" + swarm_mode_;
    }
    if (!staging_.empty()) {
        table += "\n" + staging_;
    }
    if (activated + rolled_back + not_activated > 0) {
        table += fmt::format("\nactivation: {} activated, {} rolled back, {} not activated",
                             activated, rolled_back, not_activated);
    }
    if (unrooted) {
        table += "\nthe closure is unrooted on the hosts: nothing there keeps a garbage "
                 "collection from deleting it (give --profile to make it a profile generation)";
    }
    say(table);
    if (events_) {
        nlohmann::json failed_hosts = nlohmann::json::array();
        for (const auto& o : outcomes) {
            if (!o.ok) {
                failed_hosts.push_back({{"host", o.host}, {"error", o.error}});
            }
        }
        events_->write("summary", {{"hosts", outcomes.size()},
                                   {"ok", outcomes.size() - failed},
                                   {"failed", failed},
                                   {"failed_hosts", failed_hosts},
                                   {"activated", activated},
                                   {"rolled_back", rolled_back},
                                   {"not_activated", not_activated},
                                   {"unrooted", unrooted},
                                   {"bytes", bytes},
                                   {"seconds", rounded(seconds)}});
    }
}

} // namespace shoal::report
