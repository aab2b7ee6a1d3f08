#include "support/temporary_directory.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <libtorrent/torrent_info.hpp>
#include <map>
#include <vector>

using shoal::swarm::build_torrent;
using shoal::swarm::build_torrent_for;
using shoal::swarm::choose_piece_size;

namespace {

// File name -> size: store path hash parts, sizes below, at and above a piece.
const std::map<std::string, std::size_t> staged_files = {
    {"zb3qr0s9hqs1h9q1fpxqyswb8mmj4xhq", 40000},
    {"0c1fmx8hvvm8g29z3v3j1v8ravl0w2ny", 70000},
    {"m5v5hq3cfy2ib8zqd2q6w4ymp0y2z8i3", 1},
    {"a0d2c9ms0i6v8a1h3v2pjx6ynhpwcb1l", 16384},
};

std::filesystem::path stage(const std::filesystem::path& root) {
    const auto staging = root / "deployment1";
    std::filesystem::create_directory(staging);
    char fill = 'a';
    for (const auto& [name, size] : staged_files) {
        std::ofstream(staging / name) << std::string(size, fill++);
    }
    return staging;
}

} // namespace

TEST_CASE("the torrent covers every staged file, indexed by name, aligned to pieces") {
    const TemporaryDirectory directory;
    const auto ca =
        shoal::swarm::CertificateAuthority::create("deployment1", std::chrono::hours(1));
    const auto built = build_torrent(stage(directory.path()), ca.certificate_pem(), 16 * 1024);

    const lt::torrent_info info(built.bytes.data(), static_cast<int>(built.bytes.size()));
    const lt::file_storage& files = info.files();
    CHECK(built.name == "deployment1");
    CHECK(info.name() == "deployment1");
    CHECK(built.piece_size == 16384);
    CHECK(info.piece_length() == built.piece_size);

    REQUIRE(built.file_indices.size() == staged_files.size());
    std::uint64_t total = 0;
    for (const auto& [name, size] : staged_files) {
        CAPTURE(name);
        REQUIRE(built.file_indices.contains(name));
        const lt::file_index_t index(built.file_indices.at(name));
        CHECK(files.file_name(index) == name);
        CHECK(files.file_path(index) == "deployment1/" + name);
        CHECK(files.file_size(index) == static_cast<std::int64_t>(size));
        CHECK(files.file_offset(index) % info.piece_length() == 0);
        CHECK_FALSE(files.pad_file_at(index));
        total += size;
    }
    CHECK(built.total_size == total);
    int pad_files = 0;
    for (const lt::file_index_t index : files.file_range()) {
        pad_files += files.pad_file_at(index) ? 1 : 0;
    }
    CHECK(pad_files > 0);
    CHECK(files.num_files() == static_cast<int>(staged_files.size()) + pad_files);
}

TEST_CASE("the piece layout gives each file its own run of pieces, in file order") {
    const TemporaryDirectory directory;
    const auto ca =
        shoal::swarm::CertificateAuthority::create("deployment1", std::chrono::hours(1));
    const auto built = build_torrent(stage(directory.path()), ca.certificate_pem(), 16 * 1024);
    const auto layout = shoal::swarm::piece_layout(built.bytes);

    CHECK(layout.piece_size == 16384);
    REQUIRE(layout.files.size() == staged_files.size());
    std::vector<bool> owned(static_cast<std::size_t>(layout.piece_count));
    for (const auto& [name, size] : staged_files) {
        CAPTURE(name);
        const auto& file = layout.files.at(name);
        CHECK(file.size == size);
        CHECK(file.piece_count == static_cast<int>((size + 16383) / 16384));
        std::uint64_t bytes = 0;
        for (int nth = 0; nth < file.piece_count; ++nth) {
            bytes += layout.piece_bytes(file, nth);
            const auto piece = static_cast<std::size_t>(file.first_piece + nth);
            REQUIRE(piece < owned.size());
            CHECK_FALSE(owned[piece]);
            owned[piece] = true;
        }
        CHECK(bytes == size);
    }
}

TEST_CASE("the torrent is private, v1, tracker-less and trusts only the deployment's CA") {
    const TemporaryDirectory directory;
    const auto ca =
        shoal::swarm::CertificateAuthority::create("deployment1", std::chrono::hours(1));
    const auto built = build_torrent(stage(directory.path()), ca.certificate_pem(), 16 * 1024);

    const lt::torrent_info info(built.bytes.data(), static_cast<int>(built.bytes.size()));
    CHECK(info.priv());
    // SHA-1 only: v2's piece layers would weigh on every assignment.
    CHECK_FALSE(info.info_hashes().has_v2());
    CHECK(info.info_hashes().has_v1());
    CHECK(info.trackers().empty());
    CHECK(info.nodes().empty());
    CHECK(std::string(info.ssl_cert()) == ca.certificate_pem());
    CHECK(shoal::swarm::file_indices(built.bytes) == built.file_indices);
    CHECK(built.total_size == 40000 + 70000 + 1 + 16384);
}

TEST_CASE("a torrent for receivers has pieces sized from the staged bytes") {
    const TemporaryDirectory directory;
    const auto ca =
        shoal::swarm::CertificateAuthority::create("deployment1", std::chrono::hours(1));
    const auto built = build_torrent_for(stage(directory.path()), ca.certificate_pem(), 8);
    CHECK(built.total_size == 40000 + 70000 + 1 + 16384);
    CHECK(built.piece_size == choose_piece_size(built.total_size, 8));
    const lt::torrent_info info(built.bytes.data(), static_cast<int>(built.bytes.size()));
    CHECK(info.piece_length() == built.piece_size);
}

TEST_CASE("staging directories the torrent cannot represent are refused") {
    const TemporaryDirectory directory;
    const auto staging = directory.path() / "deployment1";
    std::filesystem::create_directory(staging);
    CHECK_THROWS_WITH_AS(build_torrent(staging, "pem", 16 * 1024), doctest::Contains("is empty"),
                         shoal::util::Error);
    std::filesystem::create_directory(staging / "nested");
    CHECK_THROWS_WITH_AS(build_torrent(staging, "pem", 16 * 1024), doctest::Contains("nested"),
                         shoal::util::Error);
    CHECK_THROWS_AS(build_torrent(directory.path() / "missing", "pem", 16 * 1024),
                    shoal::util::Error);
    CHECK_THROWS_WITH_AS(build_torrent_for(directory.path() / "missing", "pem", 8),
                         doctest::Contains("cannot list staging directory"), shoal::util::Error);
}

TEST_CASE("piece sizes are powers of two from 16 KiB to 4 MiB, about 4096 pieces") {
    CHECK(choose_piece_size(0) == 16384);
    CHECK(choose_piece_size(1) == 16384);
    CHECK(choose_piece_size(64ull << 20) == 16384);
    CHECK(choose_piece_size((64ull << 20) + 1) == 32768);
    CHECK(choose_piece_size(1ull << 30) == 256 * 1024);
    CHECK(choose_piece_size(5ull << 30) == 2 * 1024 * 1024);
    CHECK(choose_piece_size(1ull << 40) == 4 * 1024 * 1024);
    // The torrent goes to every receiver: at 100 receivers, 8 MiB make 128
    // pieces; never fewer than 64.
    CHECK(choose_piece_size(8ull << 20, 100) == 64 * 1024);
    CHECK(choose_piece_size(8ull << 20, 10000) == 128 * 1024);
    CHECK(choose_piece_size(1ull << 30, 8) == 256 * 1024);
}
