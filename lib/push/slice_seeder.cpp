#include "push/slice_seeder.hpp"

#include "push/source_slices.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace shoal::push {

SliceSeeder::SliceSeeder(const swarm::SwarmOptions& common,
                         const std::vector<swarm::Endpoint>& endpoints,
                         const std::vector<std::set<std::string>>& wanted) {
    if (endpoints.size() != wanted.size()) {
        throw util::Error("every slice of the deployer needs an endpoint");
    }
    const auto slices = slice_pieces(swarm::piece_layout(common.torrent), wanted);
    for (std::size_t k = 0; k < slices.size(); ++k) {
        swarm::SwarmOptions options = common;
        options.listen = endpoints[k];
        options.slice_pieces = slices[k];
        sessions_.push_back(std::make_unique<swarm::SwarmSession>(options));
        spdlog::debug("slice {}: {} pieces on {}", k, slices[k].size(), endpoints[k].to_string());
    }
    while (!std::all_of(sessions_.begin(), sessions_.end(),
                        [](const auto& session) { return session->ready(); })) {
        poll(std::chrono::milliseconds(100));
    }
}

void SliceSeeder::poll(std::chrono::milliseconds max_wait) {
    // One session waits; the others only hand over what they have.
    sessions_.front()->poll(max_wait);
    for (std::size_t k = 1; k < sessions_.size(); ++k) {
        sessions_[k]->poll(std::chrono::milliseconds(0));
    }
}

} // namespace shoal::push
