#include "push/nar_staging.hpp"

#include "io/fd.hpp"
#include "io/fd_stream.hpp"
#include "nix/sha256.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <set>
#include <spdlog/spdlog.h>
#include <unistd.h>

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

void stage_one(nix::ServeConnection& local_store, const nix::PathInfo& info,
               const std::filesystem::path& file) {
    const auto partial = std::filesystem::path(file).concat(".part");
    io::UniqueFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) {
        util::throw_errno(fmt::format("cannot create {}", partial.string()));
    }
    std::string hash;
    {
        io::FdSink out(fd.get());
        HashingSink hashing(out);
        local_store.dump_store_path(info.path, hashing);
        out.flush();
        hash = hashing.finish();
    }
    if (::fsync(fd.get()) != 0) {
        util::throw_errno(fmt::format("cannot write {}", partial.string()));
    }
    if (hash != info.nar_hash) {
        std::filesystem::remove(partial);
        throw util::Error(fmt::format("the local store's NAR of {} has hash {}, but its path info "
                                      "says {}: run `nix-store --verify --check-contents`",
                                      info.path, hash, info.nar_hash));
    }
    std::filesystem::rename(partial, file);
}

} // namespace

std::string nar_file_name(const std::string& store_path) {
    return std::filesystem::path(store_path).filename().string() + ".nar";
}

void stage_nars(nix::ServeConnection& local_store, const std::vector<nix::PathInfo>& paths,
                const std::filesystem::path& directory) {
    std::filesystem::create_directories(directory);
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all);
    // The torrent takes every file here: leftovers of earlier pushes must go.
    std::set<std::string> expected;
    for (const auto& info : paths) {
        expected.insert(nar_file_name(info.path));
    }
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (expected.count(entry.path().filename().string()) == 0) {
            std::filesystem::remove_all(entry.path());
        }
    }
    for (const auto& info : paths) {
        const auto file = directory / nar_file_name(info.path);
        std::error_code error;
        if (std::filesystem::file_size(file, error) == info.nar_size && !error) {
            spdlog::debug("staging: {} already there", file.string());
            continue;
        }
        try {
            stage_one(local_store, info, file);
        } catch (const nix::ServeError& e) {
            // What shoal pushes is pinned against garbage collection, but not
            // against a path removed behind Nix's back.
            throw util::Error(fmt::format(
                "cannot stage {} from the deployer's store: {}; check that the store still has "
                "it (`nix-store --verify-path {}`), then push again",
                info.path, e.what(), info.path));
        }
    }
}

} // namespace shoal::push
