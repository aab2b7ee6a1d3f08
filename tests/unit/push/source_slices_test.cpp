#include "push/source_slices.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <map>
#include <random>

namespace {

// Files of random sizes laid out like a v2 torrent: each on its own pieces.
shoal::swarm::PieceLayout random_layout(std::mt19937& random, int files) {
    shoal::swarm::PieceLayout layout;
    layout.piece_size = 16384;
    for (int f = 0; f < files; ++f) {
        const std::uint64_t size = 1 + random() % 300000;
        const int pieces = static_cast<int>((size + 16383) / 16384);
        layout.files[fmt::format("file{}", f)] = {layout.piece_count, pieces, size};
        layout.piece_count += pieces;
    }
    return layout;
}

const std::string* file_of(const shoal::swarm::PieceLayout& layout, int piece) {
    for (const auto& [name, file] : layout.files) {
        if (piece >= file.first_piece && piece < file.first_piece + file.piece_count) {
            return &name;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("each group's slices are disjoint, cover every piece, and go to hosts that want them") {
    for (unsigned seed = 1; seed <= 200; ++seed) {
        std::mt19937 random(seed);
        const auto layout = random_layout(random, 1 + static_cast<int>(random() % 20));
        std::vector<std::set<std::string>> wanted(1 + random() % 8);
        std::vector<std::size_t> groups;
        const std::size_t group_count = 1 + random() % 3;
        for (auto& files : wanted) {
            groups.push_back(random() % group_count);
            for (const auto& [name, file] : layout.files) {
                if (random() % 3 != 0) {
                    files.insert(name);
                }
            }
        }
        const auto slices = shoal::push::slice_pieces(layout, wanted, groups);
        REQUIRE(slices.size() == wanted.size());
        std::map<std::size_t, std::vector<int>> owners; // group -> slices holding each piece
        for (std::size_t k = 0; k < slices.size(); ++k) {
            auto& owned = owners[groups[k]];
            owned.resize(static_cast<std::size_t>(layout.piece_count));
            for (const int piece : slices[k]) {
                ++owned.at(static_cast<std::size_t>(piece));
                const std::string& name = *file_of(layout, piece);
                bool anyone_wants = false;
                for (std::size_t j = 0; j < wanted.size(); ++j) {
                    anyone_wants |= groups[j] == groups[k] && wanted[j].contains(name);
                }
                CHECK((wanted[k].contains(name) || !anyone_wants));
            }
        }
        for (const auto& [group, owned] : owners) {
            CHECK(std::all_of(owned.begin(), owned.end(), [](int n) { return n == 1; }));
        }
    }
}

TEST_CASE("hosts wanting everything get slices within one piece of each other") {
    std::mt19937 random(7);
    const auto layout = random_layout(random, 30);
    for (std::size_t hosts = 1; hosts <= 16; ++hosts) {
        std::vector<std::set<std::string>> wanted(hosts);
        for (auto& files : wanted) {
            for (const auto& [name, file] : layout.files) {
                files.insert(name);
            }
        }
        const auto slices =
            shoal::push::slice_pieces(layout, wanted, std::vector<std::size_t>(hosts, 0));
        std::vector<std::uint64_t> bytes;
        for (const auto& slice : slices) {
            std::uint64_t sum = 0;
            for (const int piece : slice) {
                const auto& name = *file_of(layout, piece);
                const auto& file = layout.files.at(name);
                sum += layout.piece_bytes(file, piece - file.first_piece);
            }
            bytes.push_back(sum);
        }
        const auto [least, most] = std::minmax_element(bytes.begin(), bytes.end());
        CHECK(*most - *least <= static_cast<std::uint64_t>(layout.piece_size));
    }
}

TEST_CASE("slicing for nobody is refused") {
    shoal::swarm::PieceLayout layout;
    CHECK_THROWS_WITH(shoal::push::slice_pieces(layout, {}, {}),
                      "slicing a torrent needs at least one host");
    CHECK_THROWS_WITH(shoal::push::slice_pieces(layout, {{"x.nar"}}, {}),
                      "every slice of the deployer needs a group");
}
