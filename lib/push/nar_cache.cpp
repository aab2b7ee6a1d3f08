#include "push/nar_cache.hpp"

#include "io/fd.hpp"
#include "io/fd_stream.hpp"
#include "io/zstd_stream.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <spdlog/spdlog.h>

namespace shoal::push {
namespace {

constexpr std::string_view sha256_prefix = "sha256:";

// "sha256-<nixbase32>.nar[.zst]", or empty for a hash of another form (never
// cached rather than trusted into a file name).
std::string cached_name(const nix::PathInfo& info, nix::NarCompression compression) {
    const std::string_view hash = info.nar_hash;
    if (!hash.starts_with(sha256_prefix) || hash.size() == sha256_prefix.size() ||
        !std::all_of(hash.begin() + sha256_prefix.size(), hash.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
        return {};
    }
    return nix::nar_file_name("sha256-" + std::string(hash.substr(sha256_prefix.size())),
                              compression);
}

} // namespace

std::filesystem::path nar_cache_directory(const std::filesystem::path& staging) {
    // Beside the pushes' own staging directories, named by 16 nixbase32
    // digits of their deployment key.
    return staging / "nars";
}

std::vector<std::string> nars_to_evict(std::vector<CachedNar> cached, std::uint64_t max_bytes,
                                       const std::set<std::string>& in_use) {
    std::uint64_t total = 0;
    for (const auto& nar : cached) {
        total += nar.size;
    }
    std::sort(cached.begin(), cached.end(), [](const CachedNar& a, const CachedNar& b) {
        return a.last_used != b.last_used ? a.last_used < b.last_used : a.name < b.name;
    });
    std::vector<std::string> evicted;
    for (const auto& nar : cached) {
        if (total <= max_bytes) {
            break;
        }
        if (!in_use.contains(nar.name)) {
            evicted.push_back(nar.name);
            total -= nar.size;
        }
    }
    return evicted;
}

bool holds_staged_nar(const std::filesystem::path& file, const nix::PathInfo& info,
                      nix::NarCompression compression) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    if (error || compression == nix::NarCompression::none) {
        return !error && size == info.nar_size;
    }
    io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        return false;
    }
    io::FdSource in(fd.get());
    try {
        return io::ZstdSource(in, file.string()).content_size() == info.nar_size;
    } catch (const util::Error&) {
        return false;
    }
}

NarCache::NarCache(std::filesystem::path directory, std::uint64_t max_bytes)
    : directory_(std::move(directory)), max_bytes_(max_bytes) {}

bool NarCache::take(const nix::PathInfo& info, nix::NarCompression compression,
                    const std::filesystem::path& file) {
    const std::string name = cached_name(info, compression);
    if (!holds(name, info, compression)) {
        return false;
    }
    std::error_code error;
    std::filesystem::create_hard_link(directory_ / name, file, error);
    if (error == std::errc::no_such_file_or_directory) {
        return false; // another push's trim removed it just now
    }
    if (error) {
        give_up("link from", error);
        return false;
    }
    mark_used(name);
    return true;
}

std::optional<std::uint64_t> NarCache::staged_size(const nix::PathInfo& info,
                                                   nix::NarCompression compression) const {
    const std::string name = cached_name(info, compression);
    if (!holds(name, info, compression)) {
        return std::nullopt;
    }
    std::error_code error;
    const auto size = std::filesystem::file_size(directory_ / name, error);
    return error ? std::nullopt : std::optional<std::uint64_t>(size);
}

bool NarCache::holds(const std::string& name, const nix::PathInfo& info,
                     nix::NarCompression compression) const {
    return max_bytes_ != 0 && !name.empty() &&
           holds_staged_nar(directory_ / name, info, compression);
}

void NarCache::keep(const nix::PathInfo& info, nix::NarCompression compression,
                    const std::filesystem::path& file) {
    const std::string name = cached_name(info, compression);
    if (max_bytes_ == 0 || name.empty()) {
        return;
    }
    std::error_code error;
    if (!directory_made_) {
        std::filesystem::create_directories(directory_, error);
        if (!error) {
            std::filesystem::permissions(directory_, std::filesystem::perms::owner_all, error);
        }
        if (error) {
            give_up("create", error);
            return;
        }
        directory_made_ = true;
    }
    std::filesystem::create_hard_link(file, directory_ / name, error);
    // Another push may have kept the same NAR first: its bytes are the same.
    if (error && error != std::errc::file_exists) {
        give_up("keep staged NARs in", error);
        return;
    }
    mark_used(name);
}

void NarCache::mark_used(const std::string& name) {
    // The eviction rule's clock (hard links share it): the file used last goes last.
    std::error_code ignored;
    std::filesystem::last_write_time(directory_ / name,
                                     std::filesystem::file_time_type::clock::now(), ignored);
    used_.insert(name);
}

void NarCache::trim() {
    if (max_bytes_ == 0) {
        return;
    }
    std::vector<CachedNar> cached;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
        std::error_code stat_error;
        const auto size = entry.file_size(stat_error);
        const auto last_used = entry.last_write_time(stat_error);
        if (!stat_error && entry.is_regular_file(stat_error)) {
            cached.push_back({entry.path().filename().string(), size, last_used});
        }
    }
    if (error == std::errc::no_such_file_or_directory) {
        return; // nothing kept yet
    }
    if (error) {
        give_up("list", error);
        return;
    }
    const auto evicted = nars_to_evict(cached, max_bytes_, used_);
    for (const auto& name : evicted) {
        std::filesystem::remove(directory_ / name, error);
    }
    if (!evicted.empty()) {
        spdlog::info("NAR cache {}: removed the {} least recently used files to stay within {}",
                     directory_.string(), evicted.size(), util::format_bytes(max_bytes_));
    }
}

void NarCache::give_up(const std::string& what, const std::error_code& error) {
    spdlog::warn("cannot {} the NAR cache {}: {}; this push keeps nothing there (later pushes "
                 "stage their NARs again; --nar-cache-size 0 turns the cache off)",
                 what, directory_.string(), error.message());
    max_bytes_ = 0;
}

} // namespace shoal::push
