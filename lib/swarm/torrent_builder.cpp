#include "swarm/torrent_builder.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_info.hpp>
#include <thread>
#include <vector>

namespace shoal::swarm {
namespace {

constexpr std::uint64_t min_piece_size = 16 * 1024; // one block
constexpr std::uint64_t max_piece_size = 4 * 1024 * 1024;
constexpr std::uint64_t target_piece_count = 4096;
constexpr std::uint64_t min_piece_count = 64;
// A SHA-1 per piece, in base64 in each receiver's assignment.
constexpr std::uint64_t assignment_bytes_per_piece = 27;
// The torrent's copies, one per receiver, against the payload.
constexpr std::uint64_t torrent_share_divisor = 16;

struct StagedFile {
    std::string name;
    std::uint64_t size;
};

std::vector<StagedFile> list_staged_files(const std::filesystem::path& staging_directory) {
    std::vector<StagedFile> files;
    std::error_code error;
    std::filesystem::directory_iterator entries(staging_directory, error);
    if (error) {
        throw util::Error("cannot list staging directory " + staging_directory.string() + ": " +
                          error.message());
    }
    for (const auto& entry : entries) {
        if (!entry.is_regular_file()) {
            throw util::Error(
                "staging directory " + staging_directory.string() +
                " holds something other than a regular file: " + entry.path().filename().string());
        }
        files.push_back({entry.path().filename().string(), entry.file_size()});
    }
    if (files.empty()) {
        throw util::Error("staging directory " + staging_directory.string() + " is empty");
    }
    std::sort(files.begin(), files.end(),
              [](const StagedFile& a, const StagedFile& b) { return a.name < b.name; });
    return files;
}

lt::torrent_info parse_torrent(std::string_view torrent_bytes) {
    lt::error_code error;
    lt::torrent_info info(torrent_bytes.data(), static_cast<int>(torrent_bytes.size()), error);
    if (error) {
        throw util::Error("invalid torrent: " + error.message());
    }
    return info;
}

} // namespace

int choose_piece_size(std::uint64_t total_size, std::size_t receivers) {
    const std::uint64_t affordable = total_size / torrent_share_divisor /
                                     assignment_bytes_per_piece /
                                     std::max<std::uint64_t>(receivers, 1);
    const std::uint64_t pieces = std::clamp(affordable, min_piece_count, target_piece_count);
    const std::uint64_t wanted =
        std::bit_ceil(std::max<std::uint64_t>(1, (total_size + pieces - 1) / pieces));
    return static_cast<int>(std::clamp(wanted, min_piece_size, max_piece_size));
}

namespace {

// build_torrent with the piece size `piece_size_for` gives the staged bytes.
BuiltTorrent build_from(const std::filesystem::path& staging_directory,
                        const std::string& root_certificate_pem,
                        const std::function<int(std::uint64_t)>& piece_size_for) {
    const std::filesystem::path directory = std::filesystem::absolute(staging_directory);
    BuiltTorrent result;
    result.name = directory.filename().string();
    lt::file_storage storage;
    for (const StagedFile& file : list_staged_files(directory)) {
        storage.add_file(result.name + "/" + file.name, static_cast<std::int64_t>(file.size));
        result.total_size += file.size;
    }
    if (result.total_size == 0) {
        throw util::Error("staging directory " + directory.string() + " holds only empty files");
    }
    result.piece_size = piece_size_for(result.total_size);

    // v1 with v2's layout (canonical_files: pad files align every file to a
    // piece boundary), so a host can fetch any subset of files. Not v2: its
    // SHA-256 piece layers would more than double what every assignment
    // carries, and libtorrent 2.0.8 mishandles v2's block-hash requests after
    // a failed piece (docs/reliability.md). Nix checks every NAR's SHA-256.
    lt::create_torrent creator(storage, result.piece_size,
                               lt::create_torrent::v1_only | lt::create_torrent::canonical_files);
    creator.set_priv(true);
    creator.set_root_cert(root_certificate_pem);
    creator.set_creator("shoal");

    lt::settings_pack hashing;
    hashing.set_int(lt::settings_pack::hashing_threads,
                    static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    lt::error_code error;
    lt::set_piece_hashes(
        creator, directory.parent_path().string(), hashing, [](lt::piece_index_t) {}, error);
    if (error) {
        throw util::Error("hashing the files of " + directory.string() + ": " + error.message());
    }
    const std::vector<char> bytes = creator.generate_buf();
    result.bytes.assign(bytes.begin(), bytes.end());
    result.file_indices = file_indices(result.bytes);
    return result;
}

} // namespace

BuiltTorrent build_torrent(const std::filesystem::path& staging_directory,
                           const std::string& root_certificate_pem, int piece_size) {
    return build_from(staging_directory, root_certificate_pem,
                      [piece_size](std::uint64_t) { return piece_size; });
}

BuiltTorrent build_torrent_for(const std::filesystem::path& staging_directory,
                               const std::string& root_certificate_pem, std::size_t receivers) {
    return build_from(staging_directory, root_certificate_pem, [receivers](std::uint64_t staged) {
        return choose_piece_size(staged, receivers);
    });
}

std::map<std::string, int> file_indices(std::string_view torrent_bytes) {
    const lt::torrent_info info = parse_torrent(torrent_bytes);
    std::map<std::string, int> indices;
    const lt::file_storage& files = info.files();
    for (const lt::file_index_t index : files.file_range()) {
        if (!files.pad_file_at(index)) {
            indices.emplace(files.file_name(index), static_cast<int>(index));
        }
    }
    return indices;
}

PieceLayout piece_layout(std::string_view torrent_bytes) {
    const lt::torrent_info info = parse_torrent(torrent_bytes);
    const lt::file_storage& files = info.files();
    PieceLayout layout;
    layout.piece_size = info.piece_length();
    layout.piece_count = info.num_pieces();
    for (const lt::file_index_t index : files.file_range()) {
        if (files.pad_file_at(index) || files.file_size(index) == 0) {
            continue;
        }
        const auto size = files.file_size(index);
        const int first = static_cast<int>(files.map_file(index, 0, 1).piece);
        const int last = static_cast<int>(files.map_file(index, size - 1, 1).piece);
        layout.files.emplace(files.file_name(index),
                             FilePieces{first, last - first + 1, static_cast<std::uint64_t>(size)});
    }
    return layout;
}

std::uint64_t PieceLayout::piece_bytes(const FilePieces& file, int nth) const {
    const auto start = static_cast<std::uint64_t>(nth) * static_cast<std::uint64_t>(piece_size);
    return std::min<std::uint64_t>(static_cast<std::uint64_t>(piece_size), file.size - start);
}

} // namespace shoal::swarm
