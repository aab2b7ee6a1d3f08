#include "plan/simulator.hpp"

#include "plan/mesh_peers.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <queue>

namespace shoal::plan {

namespace {

// A new transfer needs at least this share of the smaller of the two links.
constexpr double min_rate_share = 0.25;

using Word = std::uint64_t;
constexpr std::size_t word_bits = 64;

struct Link {
    std::size_t peer;
    const Word* allowed; // pieces this edge may carry; nullptr: any
};

struct Transfer {
    double end;
    std::uint64_t sequence; // equal end times complete in start order: deterministic
    std::size_t from;
    std::size_t to;
    std::uint32_t piece;
    double rate;
    bool operator>(const Transfer& other) const {
        return end != other.end ? end > other.end : sequence > other.sequence;
    }
};

class Simulation {
public:
    Simulation(const Plan& plan, const SimulationOptions& options)
        : plan_(plan), rack_neighbours_each_side_(options.rack_neighbours_each_side) {
        const std::uint64_t piece_size = options.piece_size;
        cut_pieces(piece_size);
        const std::size_t nodes = plan.hosts.size() + 1; // node 0 is the deployer
        have_.assign(nodes * words_, 0);
        missing_.assign(nodes * words_, 0);
        std::size_t zones = 1;
        for (const auto& host : plan.hosts) {
            zones = std::max(zones, host.zone + 1);
        }
        given_.assign((nodes + zones) * words_, 0);
        free_up_.assign(nodes, 0);
        free_down_.assign(nodes, 0);
        up_.assign(nodes, 0);
        down_.assign(nodes, 0);
        remaining_.assign(nodes, 0);
        unrequested_.assign(nodes, 0);
        for (const Tier tier : {outside_children, zone_children, mesh_neighbours}) {
            links_[tier].assign(nodes, {});
            cursors_[tier].assign(nodes, 0);
        }
        finish_.assign(nodes, 0);
        in_.assign(nodes, {});
        up_[0] = free_up_[0] = static_cast<double>(plan.source_bandwidth_bps) / 8.0;
        std::fill_n(have_.begin(), words_, ~Word{0});
        connect();
    }

    SimulationResult run(std::uint64_t piece_size) {
        for (std::size_t node = 0; node < in_.size(); ++node) {
            offer(node);
        }
        SimulationResult result;
        result.piece_size = piece_size;
        result.pieces = piece_bytes_.size();
        while (!running_.empty()) {
            const Transfer done = running_.top();
            running_.pop();
            complete(done);
            ++result.transfers;
            if (done.from == 0) {
                result.source_egress_bytes += piece_bytes_[done.piece];
            }
        }
        result.wave_seconds.assign(plan_.depth, 0);
        for (std::size_t i = 0; i < plan_.hosts.size(); ++i) {
            if (remaining_[i + 1] != 0) {
                throw util::Error(fmt::format("simulation stalled: {} still lacks {} pieces",
                                              plan_.hosts[i].name, remaining_[i + 1]));
            }
            const double seconds = finish_[i + 1];
            result.host_seconds.push_back(seconds);
            auto& wave = result.wave_seconds[plan_.hosts[i].wave - 1];
            wave = std::max(wave, seconds);
            result.total_seconds = std::max(result.total_seconds, seconds);
        }
        return result;
    }

private:
    // Pieces never span two paths, as in a BitTorrent v2 torrent. Paths
    // nobody receives get no pieces.
    void cut_pieces(std::uint64_t piece_size) {
        std::vector<bool> received(plan_.sets.path_count(), false);
        for (const auto& host : plan_.hosts) {
            for (const PathId path : plan_.sets.paths(host.receives)) {
                received[path] = true;
            }
        }
        first_piece_.assign(plan_.sets.path_count(), 0);
        for (PathId path = 0; path < plan_.sets.path_count(); ++path) {
            first_piece_[path] = static_cast<std::uint32_t>(piece_bytes_.size());
            for (std::uint64_t left = received[path] ? plan_.sets.path_bytes(path) : 0; left > 0;) {
                const std::uint64_t bytes = std::min(left, piece_size);
                piece_bytes_.push_back(bytes);
                left -= bytes;
            }
        }
        first_piece_.push_back(static_cast<std::uint32_t>(piece_bytes_.size()));
        words_ = std::max<std::size_t>(1, (piece_bytes_.size() + word_bits - 1) / word_bits);
    }

    void set_pieces(Word* bits, PathSetId set) const {
        for (const PathId path : plan_.sets.paths(set)) {
            for (std::uint32_t piece = first_piece_[path]; piece < first_piece_[path + 1];
                 ++piece) {
                bits[piece / word_bits] |= Word{1} << (piece % word_bits);
            }
        }
    }

    const Word* pieces_of(PathSetId set) {
        auto [it, inserted] = allowed_.try_emplace(set);
        if (inserted) {
            it->second.assign(words_, 0);
            set_pieces(it->second.data(), set);
        }
        return it->second.data();
    }

    void connect() {
        const auto mesh = mesh_peers(plan_, rack_neighbours_each_side_);
        for (std::size_t i = 0; i < plan_.hosts.size(); ++i) {
            const auto& host = plan_.hosts[i];
            const std::size_t node = i + 1;
            up_[node] = down_[node] = free_up_[node] = free_down_[node] =
                static_cast<double>(host.bandwidth_bps) / 8.0;
            set_pieces(&missing_[node * words_], host.receives);
            for (std::size_t w = 0; w < words_; ++w) {
                remaining_[node] +=
                    static_cast<std::size_t>(std::popcount(missing_[node * words_ + w]));
            }
            unrequested_[node] = remaining_[node];
            for (const auto& parent : host.parents) {
                const bool inside =
                    parent.node != source_node && plan_.hosts[parent.node].zone == host.zone;
                const std::size_t from = parent.node == source_node ? 0 : parent.node + 1;
                add_link(links_[inside ? zone_children : outside_children][from], from, node,
                         pieces_of(parent.paths));
            }
            for (const std::size_t peer : mesh[i]) {
                add_link(links_[mesh_neighbours][peer + 1], peer + 1, node, nullptr);
            }
        }
    }

    void add_link(std::vector<Link>& out, std::size_t from, std::size_t to, const Word* allowed) {
        out.push_back({to, allowed});
        in_[to].push_back({from, allowed});
    }

    // The first piece `from` holds that `to` still lacks and nobody is sending
    // it, preferring pieces `from` has not sent anyone yet.
    std::optional<std::uint32_t> pick(std::size_t from, std::size_t to, const Word* allowed) const {
        const Word* have = &have_[from * words_];
        const Word* missing = &missing_[to * words_];
        const Word* given = &given_[given_row(from, to) * words_];
        std::optional<std::uint32_t> resend;
        for (std::size_t w = 0; w < words_; ++w) {
            Word candidates = have[w] & missing[w];
            if (allowed != nullptr) {
                candidates &= allowed[w];
            }
            if (candidates == 0) {
                continue;
            }
            const auto first = [&](Word bits) {
                return static_cast<std::uint32_t>(w * word_bits + std::countr_zero(bits));
            };
            if ((candidates & ~given[w]) != 0) {
                return first(candidates & ~given[w]);
            }
            if (!resend && from != 0) { // the deployer sends each byte once per zone
                resend = first(candidates);
            }
        }
        return resend;
    }

    // The row of given_ with what `from` has sent anyone; for the deployer,
    // anyone in `to`'s zone (rows after the nodes', one per zone).
    std::size_t given_row(std::size_t from, std::size_t to) const {
        return from == 0 ? in_.size() + plan_.hosts[to - 1].zone : from;
    }

    bool try_start(std::size_t from, const Link& link) {
        const std::size_t to = link.peer;
        const double rate = std::min(free_up_[from], free_down_[to]);
        if (unrequested_[to] == 0 || rate < min_rate_share * std::min(up_[from], down_[to])) {
            return false;
        }
        const auto piece = pick(from, to, link.allowed);
        if (!piece) {
            return false;
        }
        missing_[to * words_ + *piece / word_bits] &= ~(Word{1} << (*piece % word_bits));
        --unrequested_[to];
        given_[given_row(from, to) * words_ + *piece / word_bits] |= Word{1}
                                                                     << (*piece % word_bits);
        free_up_[from] -= rate;
        free_down_[to] -= rate;
        running_.push({now_ + static_cast<double>(piece_bytes_[*piece]) / rate, sequence_++, from,
                       to, *piece, rate});
        return true;
    }

    // Starts uploads from `from`: first plan children in other zones, whose
    // whole subtree waits on this one stream, then plan children in its
    // zone, then mesh peers. Round robin within each, so
    // nobody starves.
    void offer(std::size_t from) {
        for (const Tier tier : {outside_children, zone_children, mesh_neighbours}) {
            offer_round_robin(from, links_[tier][from], cursors_[tier][from]);
        }
    }

    void offer_round_robin(std::size_t from, const std::vector<Link>& links, std::size_t& cursor) {
        for (std::size_t k = 0; k < links.size() && free_up_[from] > 0; ++k) {
            const std::size_t index = (cursor + k) % links.size();
            if (try_start(from, links[index])) {
                cursor = index + 1;
            }
        }
    }

    void request(std::size_t to) {
        for (const Link& link : in_[to]) {
            if (free_down_[to] <= 0) {
                return;
            }
            try_start(link.peer, {to, link.allowed});
        }
    }

    void complete(const Transfer& done) {
        now_ = done.end;
        have_[done.to * words_ + done.piece / word_bits] |= Word{1} << (done.piece % word_bits);
        free_up_[done.from] = std::min(up_[done.from], free_up_[done.from] + done.rate);
        free_down_[done.to] = std::min(down_[done.to], free_down_[done.to] + done.rate);
        if (--remaining_[done.to] == 0) {
            finish_[done.to] = now_;
        }
        offer(done.from);
        request(done.to);
        offer(done.to);
    }

    const Plan& plan_;
    std::size_t rack_neighbours_each_side_;
    std::vector<std::uint64_t> piece_bytes_;
    std::vector<std::uint32_t> first_piece_; // per path, plus one past the end
    std::size_t words_ = 1;
    std::vector<Word> have_, missing_; // per node, words_ each
    std::vector<Word> given_;          // per node, then the deployer's per zone
    std::map<PathSetId, std::vector<Word>> allowed_;
    std::vector<double> free_up_, free_down_, up_, down_; // bytes per second
    std::vector<std::size_t> remaining_, unrequested_;    // pieces per node
    enum Tier { outside_children, zone_children, mesh_neighbours, tiers };
    std::array<std::vector<std::vector<Link>>, tiers> links_; // per tier, per node: outgoing
    std::array<std::vector<std::size_t>, tiers> cursors_;     // per tier, per node: round robin
    std::vector<double> finish_;
    std::vector<std::vector<Link>> in_; // per node: parents first, then mesh peers
    std::priority_queue<Transfer, std::vector<Transfer>, std::greater<>> running_;
    double now_ = 0;
    std::uint64_t sequence_ = 0;
};

} // namespace

SimulationResult simulate(const Plan& plan, const SimulationOptions& options) {
    if (options.piece_size == 0) {
        throw util::UsageError("the piece size must be above zero");
    }
    return Simulation(plan, options).run(options.piece_size);
}

} // namespace shoal::plan
