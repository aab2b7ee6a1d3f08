#include "push/slice_seeder.hpp"

#include "push/source_slices.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace shoal::push {

SliceSeeder::SliceSeeder(const swarm::SwarmOptions& common,
                         const std::vector<swarm::Endpoint>& endpoints,
                         const std::vector<std::set<std::string>>& wanted,
                         const std::vector<std::size_t>& groups,
                         std::chrono::milliseconds ready_timeout)
    : endpoints_(endpoints), files_(common.save_path.string()) {
    if (endpoints.size() != wanted.size()) {
        throw util::Error("every slice of the deployer needs an endpoint");
    }
    const auto slices = slice_pieces(swarm::piece_layout(common.torrent), wanted, groups);
    for (std::size_t k = 0; k < slices.size(); ++k) {
        swarm::SwarmOptions options = common;
        options.upload_rate_limit = slice_upload_limit(common.upload_rate_limit, slices.size());
        options.listen = endpoints[k];
        options.slice_pieces = slices[k];
        sessions_.push_back(std::make_unique<swarm::SwarmSession>(options));
        spdlog::debug("slice {}: {} pieces on {}", k, slices[k].size(), endpoints[k].to_string());
    }
    // Ready takes a few alerts' round trips; a session that never gets there
    // must not keep every host waiting for the push to start.
    const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
    for (;;) {
        std::vector<std::string> waiting;
        for (std::size_t k = 0; k < sessions_.size(); ++k) {
            if (!sessions_[k]->ready()) {
                waiting.push_back(endpoints_[k].to_string());
            }
        }
        if (waiting.empty()) {
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw util::Error(fmt::format(
                "the deployer's swarm is not ready to serve {} after {}: not listening, or "
                "not done with its certificate or its files, on {}",
                files_, util::format_seconds(static_cast<double>(ready_timeout.count()) / 1000),
                fmt::join(waiting, ", ")));
        }
        poll(std::chrono::milliseconds(100));
    }
}

void SliceSeeder::poll(std::chrono::milliseconds max_wait) {
    try {
        // One session waits; the others only hand over what they have.
        sessions_.front()->poll(max_wait);
        for (std::size_t k = 1; k < sessions_.size(); ++k) {
            sessions_[k]->poll(std::chrono::milliseconds(0));
        }
    } catch (const util::Error& e) {
        throw util::Error(
            fmt::format("the deployer's swarm serving {} failed: {}", files_, e.what()));
    }
}

std::uint64_t slice_upload_limit(std::uint64_t total, std::size_t slices) {
    if (slices == 0) {
        return total;
    }
    return (total + slices - 1) / slices;
}

} // namespace shoal::push
