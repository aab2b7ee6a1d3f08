#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace shoal::swarm {

// A private BitTorrent torrent over the files of a staging directory.
struct BuiltTorrent {
    std::string name;             // the staging directory's name; certificates must name it
    std::string bytes;            // the bencoded .torrent
    int piece_size = 0;           // bytes
    std::uint64_t total_size = 0; // payload bytes, without padding
    // libtorrent's index of each file, by file name: create_torrent reorders
    // files, so positions in the directory listing mean nothing.
    std::map<std::string, int> file_indices;
};

// Hashes every regular file directly in `staging_directory` (one file per
// store path NAR; subdirectories are refused) into a v1 torrent of
// `piece_size` pieces (choose_piece_size): private, no trackers, every file
// starting on a piece boundary (pad files, as v2 lays them out), and
// `root_certificate_pem` embedded so that only peers holding a certificate from
// that CA can join. The torrent's name is the directory's name; a peer's save
// path is the directory that contains it.
BuiltTorrent build_torrent(const std::filesystem::path& staging_directory,
                           const std::string& root_certificate_pem, int piece_size);

// build_torrent with choose_piece_size(the staged bytes, `receivers`): from
// what is staged, compressed or not, not from the NARs' size.
BuiltTorrent build_torrent_for(const std::filesystem::path& staging_directory,
                               const std::string& root_certificate_pem, std::size_t receivers);

// A power of two between 16 KiB and 4 MiB giving at most about 4096 pieces:
// enough pieces for peers to forward data long before they have all of it,
// few enough to keep piece bookkeeping and HAVE messages cheap. Every one of
// the push's `receivers` is sent the torrent (27 bytes a piece in its
// assignment), so with many receivers the pieces grow until all those copies
// weigh at most 1/16 of the payload, down to 64 pieces.
int choose_piece_size(std::uint64_t total_size, std::size_t receivers = 1);

// The file index of each payload file (pad files left out) of a torrent
// made by build_torrent, by file name.
std::map<std::string, int> file_indices(std::string_view torrent_bytes);

// Where a payload file lies among the torrent's pieces. Every file starts on a
// piece boundary, so each piece holds bytes of one file only.
struct FilePieces {
    int first_piece = 0;
    int piece_count = 0;
    std::uint64_t size = 0;
};
struct PieceLayout {
    int piece_size = 0;
    int piece_count = 0;                     // of the whole torrent
    std::map<std::string, FilePieces> files; // by file name, pad files left out

    // Payload bytes of the file's `nth` piece (the last one may be short).
    std::uint64_t piece_bytes(const FilePieces& file, int nth) const;
};
PieceLayout piece_layout(std::string_view torrent_bytes);

} // namespace shoal::swarm
