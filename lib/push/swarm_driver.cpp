#include "push/swarm_driver.hpp"

#include "fleet/lasting_failure.hpp"
#include "push/agent_start.hpp"
#include "push/direct_push.hpp"
#include "push/source_tunnels.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>
#include <poll.h>
#include <spdlog/spdlog.h>

namespace shoal::push {
namespace {

using Clock = std::chrono::steady_clock;
using Phase = SwarmCoordinator::Phase;

// How long poll() waits at most: the coordinator's clocks count seconds, so
// this bounds how late a timed decision (stuck, stalled) can come.
constexpr auto tick = std::chrono::milliseconds(100);
// libssh2 may have read an agent's data off the socket while doing something
// else on the session (sending, a keepalive), leaving nothing for poll() to
// report: each agent is read this often anyway.
constexpr auto read_anyway = std::chrono::seconds(1);
constexpr auto progress_interval = std::chrono::seconds(2);
// Assignments on their way at once. Each carries the torrent (tens of KiB):
// sent to every host at the same moment, they would flood the deployer's
// link, and on a slow one with a short queue TCP gives up on connections
// whose retransmissions the queue keeps dropping.
constexpr std::size_t assignments_in_flight = 8;
// An assignment not acknowledged by then (a host that went silent) stops
// holding up the next ones.
constexpr auto assignment_pacing_limit = std::chrono::seconds(2);

} // namespace

SwarmDriver::SwarmDriver(SwarmContext& context, const std::vector<Receiver>& receivers,
                         std::vector<report::HostOutcome>& outcomes, std::size_t threads)
    : context_(context), receivers_(receivers), outcomes_(outcomes),
      imported_paths_(receivers.size(), 0),
      coordinator_(
          [&] {
              std::vector<ReceiverRoute> routes;
              for (const auto& r : receivers) {
                  routes.push_back(r.route);
              }
              return routes;
          }(),
          context.sources,
          CoordinatorTimeouts::with(context.options.agent_start_timeout,
                                    context.options.stall_timeout),
          Clock::now()),
      slots_(receivers.size()), pool_(threads) {
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        outcomes_.at(i).host = receivers[i].host->name;
    }
}

SwarmDriver::~SwarmDriver() {
    // Running agents are told to stop; agents still starting are stopped
    // once their start is over.
    stop_all("interrupted");
    pool_.wait_idle();
    adopt_started(Clock::now());
    pool_.wait_idle();
}

void SwarmDriver::start_agents() {
    // Fed hosts first: they fetch their slices of the deployer as soon as they listen.
    std::vector<std::size_t> order(receivers_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_partition(order.begin(), order.end(),
                          [&](std::size_t i) { return receivers_[i].route.slice.has_value(); });
    for (const auto i : order) {
        pool_.submit([this, i] {
            Started started;
            started.receiver = i;
            try {
                if (cancel_starts_) {
                    throw util::Error("interrupted");
                }
                started.agent = start_agent(context_, receivers_[i]);
            } catch (const std::exception& e) {
                started.error = e.what();
                started.lasting = fleet::lasting_failure(e);
            }
            {
                std::lock_guard lock(started_mutex_);
                started_.push_back(std::move(started));
            }
            wakeup_.notify();
        });
    }
}

void SwarmDriver::adopt_started(Clock::time_point now) {
    std::vector<Started> started;
    {
        std::lock_guard lock(started_mutex_);
        started.swap(started_);
    }
    for (auto& s : started) {
        auto& slot = slots_[s.receiver];
        slot.agent = std::move(s.agent);
        if (!slot.agent) {
            fail(s.receiver, s.error, s.lasting);
            continue;
        }
        if (stopping_) {
            fail(s.receiver, "interrupted"); // closes the agent on the pool
            continue;
        }
        slot.state = State::running;
        slot.next_read = now;
        slot.next_keepalive = now;
        // Fed hosts first: the swarm starts from them.
        if (receivers_[s.receiver].route.slice) {
            unassigned_.push_front(s.receiver);
        } else {
            unassigned_.push_back(s.receiver);
        }
    }
}

void SwarmDriver::assign_next(Clock::time_point now) {
    std::erase_if(assigning_, [&](const std::pair<std::size_t, Clock::time_point>& sent) {
        const auto& slot = slots_[sent.first];
        return slot.state != State::running || now - sent.second > assignment_pacing_limit ||
               (!slot.output_pending && slot.agent->unacknowledged_bytes() == 0);
    });
    while (assigning_.size() < assignments_in_flight && !unassigned_.empty()) {
        const auto i = unassigned_.front();
        unassigned_.pop_front();
        auto& slot = slots_[i];
        if (slot.state != State::running) {
            continue;
        }
        coordinator_.agent_starting(i, now);
        slot.agent->queue(assignment_for(context_, receivers_[i]));
        slot.assigned = true;
        slot.output_pending = true;
        slot.last_heard = now;
        assigning_.emplace_back(i, now);
    }
}

void SwarmDriver::run(SliceSeeder& sources, io::TerminationSignals& signals) {
    last_report_ = Clock::now();
    std::vector<pollfd> fds;
    std::vector<std::size_t> polled; // fds[k + 1] is receiver polled[k]'s socket
    for (;;) {
        fds.assign(1, pollfd{wakeup_.fd(), POLLIN, 0});
        polled.clear();
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            if (slots_[i].state == State::running) {
                // Not POLLOUT for queued commands: with the agent's window
                // full the socket stays writable, and only its input (a
                // window adjustment) lets them go; they are retried each tick.
                fds.push_back(slots_[i].agent->poll_target());
                polled.push_back(i);
            }
        }
        if (::poll(fds.data(), fds.size(), static_cast<int>(tick.count())) < 0 && errno != EINTR) {
            util::throw_errno("poll over the agents' connections");
        }
        auto now = Clock::now();
        if (fds[0].revents != 0) {
            wakeup_.drain();
        }
        adopt_started(now);
        for (std::size_t k = 0; k < polled.size(); ++k) {
            const auto i = polled[k];
            if (slots_[i].state == State::running &&
                (fds[k + 1].revents != 0 || now >= slots_[i].next_read)) {
                serve(i, now);
            }
        }
        sources.poll(std::chrono::milliseconds(0));
        if (const char* signal = signals.received()) {
            spdlog::warn("received SIG{}: stopping every agent", signal);
            stop_all("interrupted");
            return;
        }
        now = Clock::now();
        assign_next(now);
        const auto decisions = coordinator_.decide(now);
        apply(decisions);
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            check_silence_and_keepalive(i, now);
        }
        report_progress(now, decisions.finished);
        if (finished_ && all_ended()) {
            return;
        }
    }
}

void SwarmDriver::serve(std::size_t receiver, Clock::time_point now) {
    auto& slot = slots_[receiver];
    slot.next_read = now + read_anyway;
    std::vector<agent::Event> events;
    std::optional<std::string> broken;
    bool open = true;
    try {
        open = slot.agent->receive_available(events);
    } catch (const std::exception& e) {
        broken = e.what();
    }
    if (!events.empty()) {
        slot.last_heard = now;
    }
    try {
        for (const auto& event : events) {
            handle(receiver, event, now);
        }
    } catch (const std::exception& e) {
        fail(receiver, e);
        return;
    }
    if (broken) {
        fail(receiver, *broken);
    } else if (!open) {
        // Done lingering, its job is over; before that, it died.
        if (coordinator_.receivers()[receiver].phase == Phase::complete) {
            end_complete(receiver);
        } else {
            fail(receiver, "", {}, true);
        }
    }
}

void SwarmDriver::handle(std::size_t receiver, const agent::Event& event, Clock::time_point now) {
    const auto& host = *receivers_[receiver].host;
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, agent::Ready>) {
                coordinator_.agent_ready(receiver, {host.address, e.port}, now);
                context_.reporter.agent_ready(host.name);
            } else if constexpr (std::is_same_v<T, agent::Progress>) {
                coordinator_.agent_progress(receiver, e.downloaded, e.wanted, now, e.received);
            } else if constexpr (std::is_same_v<T, agent::PathImported>) {
                ++outcomes_[receiver].paths;
                ++imported_paths_[receiver];
                context_.reporter.path_imported(host.name, e.path);
            } else if constexpr (std::is_same_v<T, agent::Complete>) {
                coordinator_.agent_complete(receiver, now);
                outcomes_[receiver].bytes = receivers_[receiver].missing_bytes;
            } else if constexpr (std::is_same_v<T, agent::PeerBanned>) {
                ban_liar(receiver, e.peer, now);
            } else {
                throw util::Error("agent: " + e.message);
            }
        },
        event);
}

// The receiver's agent caught `liar` sending data that failed its hash
// check: says so, has every agent refuse that address, and expels the
// receiver there, if any, from the swarm (a direct copy, which Nix checks,
// finishes it).
void SwarmDriver::ban_liar(std::size_t receiver, const swarm::Endpoint& liar,
                           Clock::time_point now) {
    const auto known = context_.host_by_address.find(liar.address);
    const bool in_inventory = known != context_.host_by_address.end();
    context_.reporter.peer_banned(receivers_[receiver].host->name,
                                  in_inventory ? known->second.name : "", liar.to_string());
    if (coordinator_.peer_banned(liar.address, in_inventory ? known->second.receiver : std::nullopt,
                                 now)) {
        spdlog::debug("every agent now refuses {}", liar.address);
    }
}

void SwarmDriver::apply(const Decisions& decisions) {
    for (const auto& order : decisions.orders) {
        auto& slot = slots_[order.receiver];
        if (slot.state != State::running) {
            continue;
        }
        if (const auto* give_up = std::get_if<GiveUp>(&order.action)) {
            fail(order.receiver, give_up->reason);
            continue;
        }
        auto command = std::get<agent::Command>(order.action);
        if (auto* connect = std::get_if<agent::Connect>(&command);
            connect != nullptr && context_.tunnels != nullptr) {
            connect->peers = context_.tunnels->reachable(order.receiver, connect->peers);
            if (connect->peers.empty()) {
                continue;
            }
        }
        slot.agent->queue(command);
        slot.output_pending = true;
    }
    if (decisions.peers_given) {
        util::log_timeline("every agent listens, peers given", context_.start);
    }
    for (const auto i : decisions.opened) {
        context_.reporter.host_stuck(receivers_[i].host->name);
    }
    if (decisions.finished) {
        finished_ = true;
        util::log_timeline("every host complete or failed", context_.start);
    }
}

void SwarmDriver::check_silence_and_keepalive(std::size_t receiver, Clock::time_point now) {
    auto& slot = slots_[receiver];
    if (slot.state != State::running || !slot.assigned) {
        return;
    }
    try {
        if (slot.output_pending) {
            slot.output_pending = !slot.agent->send_queued();
            // Sending may have read what the agent sent meanwhile.
            slot.next_read = now;
        }
        if (now >= slot.next_keepalive) {
            slot.next_keepalive = now + std::chrono::seconds(slot.agent->session().keepalive());
        }
    } catch (const std::exception& e) {
        fail(receiver, e);
        return;
    }
    // sshd answers keepalives for a stopped agent too: only its events show it works.
    const auto silence = context_.options.direct.remote.io_timeout;
    if (now - slot.last_heard > silence) {
        fail(receiver,
             fmt::format("'{}' has sent nothing for {}", receivers_[receiver].agent->command,
                         util::format_seconds(std::chrono::duration<double>(silence).count())));
    }
}

void SwarmDriver::report_progress(Clock::time_point now, bool final) {
    const auto& states = coordinator_.receivers();
    // Bytes first, then the first whole piece checked: with big pieces on a
    // slow shared uplink the two lie seconds apart.
    if (!first_byte_ && std::any_of(states.begin(), states.end(), [](const auto& r) {
            return r.received > 0 || r.downloaded > 0;
        })) {
        first_byte_ = true;
        util::log_timeline("first byte received", context_.start);
    }
    if (!first_piece_ &&
        std::any_of(states.begin(), states.end(), [](const auto& r) { return r.downloaded > 0; })) {
        first_piece_ = true;
        util::log_timeline("first piece verified", context_.start);
    }
    if (now - last_report_ < progress_interval && !final) {
        return;
    }
    last_report_ = now;
    std::vector<report::HostProgress> progress;
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
        progress.push_back({receivers_[i].host->name, states[i].downloaded, states[i].wanted,
                            imported_paths_[i], receivers_[i].missing.size(),
                            states[i].phase == Phase::complete});
    }
    context_.reporter.swarm_progress(progress, util::seconds_since(context_.start));
}

void SwarmDriver::end_complete(std::size_t receiver) {
    slots_[receiver].state = State::ended;
    pool_.submit([this, receiver] {
        const auto& host = *receivers_[receiver].host;
        auto& agent = slots_[receiver].agent;
        try {
            if (const int status = agent->wait(); status != 0) {
                // The host has its closure all the same.
                spdlog::warn("{}: its agent exited with status {} after the host was complete",
                             host.name, status);
            }
        } catch (const std::exception& e) {
            spdlog::warn("{}: after the host was complete: {}", host.name, e.what());
        }
        agent.reset();
        auto& outcome = outcomes_[receiver];
        outcome.ok = true;
        outcome.seconds = util::seconds_since(context_.start);
        context_.reporter.host_finished(outcome);
    });
}

void SwarmDriver::fail(std::size_t receiver, const std::exception& error) {
    fail(receiver, error.what(), fleet::lasting_failure(error));
}

void SwarmDriver::fail(std::size_t receiver, const std::string& error,
                       std::optional<std::string> lasting, bool exited) {
    slots_[receiver].state = State::ended;
    coordinator_.receiver_failed(receiver, Clock::now());
    pool_.submit([this, receiver, error, lasting, exited, stopping = stopping_] {
        auto& agent = slots_[receiver].agent;
        std::string reason = error;
        if (exited) {
            try {
                agent->fail(fmt::format("the agent exited with status {}", agent->wait()));
            } catch (const std::exception& e) {
                reason = e.what();
            }
        }
        // Closing the channel stops an agent that still runs.
        agent.reset();
        outcomes_[receiver] = recover(receiver, reason, lasting, stopping);
    });
}

report::HostOutcome SwarmDriver::recover(std::size_t receiver, std::string error,
                                         const std::optional<std::string>& lasting, bool stopping) {
    const auto& host = *receivers_[receiver].host;
    auto outcome = outcomes_[receiver];
    outcome.host = host.name;
    if (stopping || !context_.options.fallback || lasting) {
        outcome.error = lasting ? fmt::format("{} ({}; no direct copy was tried: it would fail "
                                              "the same way)",
                                              error, *lasting)
                                : error;
        outcome.seconds = util::seconds_since(context_.start);
        context_.reporter.host_finished(outcome);
        return outcome;
    }
    context_.reporter.host_fallback(host.name, error);
    // Once the host has its closure, the failed agent's downloads are only in the way.
    return push_host_direct(context_.connector, host, context_.closures.closure_of(host.name),
                            context_.fallback, context_.reporter,
                            Fallback{agent_staging(context_, host), context_.start});
}

void SwarmDriver::stop_all(const std::string& reason) {
    stopping_ = true;
    cancel_starts_ = true;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].state == State::running) {
            fail(i, reason);
        }
    }
}

bool SwarmDriver::all_ended() const {
    return std::all_of(slots_.begin(), slots_.end(),
                       [](const Slot& slot) { return slot.state == State::ended; });
}

} // namespace shoal::push
