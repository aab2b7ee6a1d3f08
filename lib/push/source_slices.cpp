#include "push/source_slices.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cstdint>

namespace shoal::push {

std::vector<std::vector<int>> slice_pieces(const swarm::PieceLayout& layout,
                                           const std::vector<std::set<std::string>>& wanted) {
    if (wanted.empty()) {
        throw util::Error("slicing a torrent needs at least one host");
    }
    std::vector<std::vector<int>> slices(wanted.size());
    std::vector<std::uint64_t> load(wanted.size());
    std::vector<std::size_t> candidates;
    for (const auto& [name, file] : layout.files) {
        candidates.clear();
        for (std::size_t k = 0; k < wanted.size(); ++k) {
            if (wanted[k].contains(name)) {
                candidates.push_back(k);
            }
        }
        if (candidates.empty()) {
            candidates.push_back(static_cast<std::size_t>(
                std::min_element(load.begin(), load.end()) - load.begin()));
        }
        for (int nth = 0; nth < file.piece_count; ++nth) {
            const std::size_t k =
                *std::min_element(candidates.begin(), candidates.end(),
                                  [&](std::size_t a, std::size_t b) { return load[a] < load[b]; });
            slices[k].push_back(file.first_piece + nth);
            load[k] += layout.piece_bytes(file, nth);
        }
    }
    for (auto& slice : slices) {
        std::sort(slice.begin(), slice.end());
    }
    return slices;
}

} // namespace shoal::push
