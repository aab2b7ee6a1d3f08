#pragma once

#include "nix/nar_file.hpp"
#include "plan/fleet.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::push {

// What `--compress` asks for.
enum class CompressionMode { none, zstd, automatic };

// "none", "zstd" or "auto"; throws util::UsageError naming --compress otherwise.
CompressionMode parse_compression_mode(std::string_view text);

// How fast the deployer compresses NARs (zstd level 3, one core): measured on
// a 2-core VM at 190 MB/s on /usr's libraries and documentation, 2.3 GB/s on
// random data. A link slower than this gains from compressed NARs.
inline constexpr std::uint64_t zstd_compress_bps = 1'500'000'000;

struct CompressionChoice {
    nix::NarCompression compression = nix::NarCompression::none;
    std::string why; // for the log and the summary: what was chosen and why
};

// `auto` compresses when the slowest link the NARs cross (the deployer's
// uplink, a host's link or a site's declared uplink) is slower than the
// deployer compresses; the other modes are what they say.
CompressionChoice choose_compression(CompressionMode mode, const plan::Fleet& fleet);

// How fast one core compresses with zlib at level 6, what SSH's compression
// uses (OpenSSH and libssh2 alike): about 20 MB/s on /usr's files on the
// same VM, where the deployer compresses once per host, not once per push.
inline constexpr std::uint64_t zlib_compress_bps = 150'000'000;

struct SshCompressionChoice {
    bool compress = false;
    std::string why; // for the log: "on (...)" or "off (...)"
};

// Whether direct copies (`--direct`, and the swarm's fallback) compress
// their SSH connections: NARs go there uncompressed, so SSH's zlib pays
// where a link is slower than it (auto); zstd asks for it and none refuses it.
SshCompressionChoice choose_ssh_compression(CompressionMode mode, const plan::Fleet& fleet);

} // namespace shoal::push
