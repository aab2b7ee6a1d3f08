#include "push/nar_staging.hpp"

#include "io/fd.hpp"
#include "io/fd_stream.hpp"
#include "io/zstd_stream.hpp"
#include "nix/sha256.hpp"
#include "util/error.hpp"

#include <atomic>
#include <exception>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <optional>
#include <set>
#include <spdlog/spdlog.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace shoal::push {
namespace {

// Hashes what passes through on its way to the file.
class HashingSink : public io::Sink {
public:
    explicit HashingSink(io::Sink& to) : to_(to) {}
    using io::Sink::write;
    void write(std::span<const char> data) override {
        hash_.update(data);
        to_.write(data);
    }
    std::string finish() { return hash_.finish(); }

private:
    io::Sink& to_;
    nix::Sha256 hash_;
};

std::filesystem::path partial_file(const std::filesystem::path& file) {
    return std::filesystem::path(file).concat(".part");
}

// Writes the NAR to `file`.part and checks its hash; stage_nars renames it.
void stage_one(nix::ServeConnection& local_store, const nix::PathInfo& info,
               const std::filesystem::path& file, nix::NarCompression compression) {
    const auto partial = partial_file(file);
    io::UniqueFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) {
        util::throw_errno(fmt::format("cannot create {}", partial.string()));
    }
    std::string hash;
    {
        io::FdSink out(fd.get());
        std::optional<io::ZstdSink> compressing;
        if (compression == nix::NarCompression::zstd) {
            compressing.emplace(out, info.nar_size);
        }
        HashingSink hashing(compressing ? static_cast<io::Sink&>(*compressing) : out);
        local_store.dump_store_path(info.path, hashing);
        if (compressing) {
            compressing->finish();
        }
        out.flush();
        hash = hashing.finish();
    }
    if (hash != info.nar_hash) {
        std::filesystem::remove(partial);
        throw util::Error(fmt::format("the local store's NAR of {} has hash {}, but its path info "
                                      "says {}: run `nix-store --verify --check-contents`",
                                      info.path, hash, info.nar_hash));
    }
}

void sync_file_system(const std::filesystem::path& directory) {
    const io::UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::syncfs(fd.get()) != 0) {
        util::throw_errno(fmt::format("cannot write the NARs staged in {}", directory.string()));
    }
}

void stage_from_store(nix::ServeConnection& local_store, const nix::PathInfo& info,
                      const std::filesystem::path& file, nix::NarCompression compression) {
    try {
        stage_one(local_store, info, file, compression);
    } catch (const nix::ServeError& e) {
        // What shoal pushes is pinned against garbage collection, but not
        // against a path removed behind Nix's back.
        throw util::Error(fmt::format(
            "cannot stage {} from the deployer's store: {}; check that the store still has "
            "it (`nix-store --verify-path {}`), then push again",
            info.path, e.what(), info.path));
    }
}

// A NAR to dump, and the file it goes to.
struct NarToDump {
    const nix::PathInfo* info;
    std::filesystem::path file;
};

// Dumps `work` on up to `dumpers` threads, this one among them, each taking
// the next NAR in turn; the first failure stops them all and is rethrown.
void dump_in_parallel(const LocalStoreOpener& open_store, std::size_t dumpers,
                      const std::vector<NarToDump>& work, nix::NarCompression compression) {
    if (work.empty()) {
        return; // no local store to open
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    const auto dump = [&] {
        try {
            const auto store = open_store();
            for (std::size_t i = next++; i < work.size() && !failed; i = next++) {
                stage_from_store(store->connection(), *work[i].info, work[i].file, compression);
            }
        } catch (...) {
            const std::lock_guard lock(failure_mutex);
            if (!failure) {
                failure = std::current_exception();
            }
            failed = true;
        }
    };
    {
        std::vector<std::jthread> helpers;
        for (std::size_t k = 1; k < std::min(dumpers, work.size()); ++k) {
            helpers.emplace_back(dump);
        }
        dump();
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
}

} // namespace

std::size_t stage_nars(const LocalStoreOpener& open_store, std::size_t dumpers,
                       const std::vector<nix::PathInfo>& paths,
                       const std::filesystem::path& directory, nix::NarCompression compression,
                       NarCache& cache) {
    std::filesystem::create_directories(directory);
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all);
    // The torrent takes every file here: leftovers of earlier pushes must go.
    std::set<std::string> expected;
    for (const auto& info : paths) {
        expected.insert(nix::nar_file_name(info.path, compression));
    }
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (expected.count(entry.path().filename().string()) == 0) {
            std::filesystem::remove_all(entry.path());
        }
    }
    std::size_t reused = 0;
    std::vector<NarToDump> to_dump;
    for (const auto& info : paths) {
        const auto file = directory / nix::nar_file_name(info.path, compression);
        if (holds_staged_nar(file, info, compression)) {
            spdlog::debug("staging: {} already there", file.string());
            cache.keep(info, compression, file);
            ++reused;
            continue;
        }
        std::error_code ignored;
        std::filesystem::remove(file, ignored); // cut or changed: staged again
        if (cache.take(info, compression, file)) {
            spdlog::debug("staging: {} from the NAR cache", file.string());
            ++reused;
            continue;
        }
        to_dump.push_back({&info, file});
    }
    dump_in_parallel(open_store, dumpers, to_dump, compression);
    // A file gets its final name only once it is on disk, so that one that
    // has it is complete even after a crash; one sync for all of them, not
    // one per file: a thousand small NARs waited on a thousand disk flushes.
    if (!to_dump.empty()) {
        sync_file_system(directory);
    }
    for (const auto& [info, file] : to_dump) {
        std::filesystem::rename(partial_file(file), file);
        cache.keep(*info, compression, file);
    }
    cache.trim();
    return reused;
}

} // namespace shoal::push
