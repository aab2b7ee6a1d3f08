#include "push/source_slices.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

namespace shoal::push {

namespace {

// Deals every piece to one of `members` (indices into wanted and slices).
void deal_pieces(const swarm::PieceLayout& layout, const std::vector<std::set<std::string>>& wanted,
                 const std::vector<std::size_t>& members, std::vector<std::vector<int>>& slices) {
    std::vector<std::uint64_t> load(slices.size());
    const auto least_loaded = [&](const std::vector<std::size_t>& among) {
        return *std::min_element(among.begin(), among.end(),
                                 [&](std::size_t a, std::size_t b) { return load[a] < load[b]; });
    };
    std::vector<std::size_t> candidates;
    for (const auto& [name, file] : layout.files) {
        candidates.clear();
        for (const std::size_t k : members) {
            if (wanted[k].contains(name)) {
                candidates.push_back(k);
            }
        }
        if (candidates.empty()) {
            candidates.push_back(least_loaded(members));
        }
        for (int nth = 0; nth < file.piece_count; ++nth) {
            const std::size_t k = least_loaded(candidates);
            slices[k].push_back(file.first_piece + nth);
            load[k] += layout.piece_bytes(file, nth);
        }
    }
}

} // namespace

std::vector<std::vector<int>> slice_pieces(const swarm::PieceLayout& layout,
                                           const std::vector<std::set<std::string>>& wanted,
                                           const std::vector<std::size_t>& groups) {
    if (wanted.empty()) {
        throw util::Error("slicing a torrent needs at least one host");
    }
    if (groups.size() != wanted.size()) {
        throw util::Error("every slice of the deployer needs a group");
    }
    std::map<std::size_t, std::vector<std::size_t>> members; // group -> its slices
    for (std::size_t k = 0; k < groups.size(); ++k) {
        members[groups[k]].push_back(k);
    }
    std::vector<std::vector<int>> slices(wanted.size());
    for (const auto& [group, slices_of_group] : members) {
        deal_pieces(layout, wanted, slices_of_group, slices);
    }
    for (auto& slice : slices) {
        std::sort(slice.begin(), slice.end());
    }
    return slices;
}

} // namespace shoal::push
