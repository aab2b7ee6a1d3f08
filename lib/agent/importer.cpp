#include "agent/importer.hpp"

#include "agent/staged_nar_source.hpp"
#include "io/zstd_stream.hpp"
#include "nix/nar_file.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <optional>
#include <spdlog/spdlog.h>

namespace shoal::agent {

Importer::Importer(std::unique_ptr<nix::LocalStore> store, std::filesystem::path files_directory)
    : store_(std::move(store)), files_directory_(std::move(files_directory)),
      thread_([this](std::stop_token stop) { run(std::move(stop)); }) {}

Importer::~Importer() {
    thread_.request_stop();
    thread_.join();
}

void Importer::add(AssignedPath path) {
    {
        const std::lock_guard lock(mutex_);
        queue_.push_back(std::move(path));
    }
    wake_.notify_one();
}

Importer::Report Importer::take_report() {
    reported_.drain(); // before reading: news after it wakes the loop again
    const std::lock_guard lock(mutex_);
    if (failure_) {
        throw util::Error(*failure_);
    }
    return {std::exchange(imported_, {}), queue_.empty() && !busy_};
}

namespace {

// One staged NAR file, opened and checked against the size of the path's NAR
// before anything is sent: read as it is, or decompressed on the way.
class StagedNar {
public:
    StagedNar(const std::filesystem::path& file, const nix::PathInfo& info, std::stop_token stop)
        : staged_(file, std::move(stop)) {
        std::uint64_t nar_size = staged_.size();
        if (nix::nar_file_compression(file.filename().string()) == nix::NarCompression::zstd) {
            decompressed_.emplace(staged_, file.string());
            // Checked before Nix reads a byte; Nix checks the hash and size again.
            nar_size = decompressed_->content_size().value_or(0);
        }
        if (nar_size != info.nar_size) {
            throw util::Error(fmt::format("{} holds {} bytes of NAR, but the path's NAR has {}",
                                          file.string(), nar_size, info.nar_size));
        }
    }

    io::Source& nar() { return decompressed_ ? static_cast<io::Source&>(*decompressed_) : staged_; }

private:
    StagedNarSource staged_;
    std::optional<io::ZstdSource> decompressed_;
};

} // namespace

void Importer::run(std::stop_token stop) {
    std::optional<AssignedPath> awaiting; // sent; its reply not read yet
    for (;;) {
        std::optional<AssignedPath> next = take_next(stop, !awaiting);
        if (!next && !awaiting) {
            return;
        }
        if (next && !send(*next, awaiting, stop)) {
            return;
        }
        if (awaiting && !take_reply(*awaiting)) {
            return;
        }
        awaiting = std::move(next);
    }
}

bool Importer::send(const AssignedPath& path, const std::optional<AssignedPath>& awaiting,
                    std::stop_token stop) {
    const std::filesystem::path file = files_directory_ / path.file;
    std::optional<StagedNar> nar;
    try {
        nar.emplace(file, path.info, std::move(stop));
    } catch (const std::exception& error) {
        // The one before may well be fine: hear its reply first.
        if (!awaiting || take_reply(*awaiting)) {
            fail(path.info.path, error);
        }
        return false;
    }
    spdlog::debug("importing {} from {}", path.info.path, file.string());
    try {
        store_->connection().send_add_to_store_nar(path.info, nar->nar());
    } catch (const std::exception& error) {
        // nix-store hung up over this path or the one before, whose reply is
        // not read yet: its stderr, quoted, says which.
        fail(awaiting
                 ? fmt::format("{} (or {}, sent after it)", awaiting->info.path, path.info.path)
                 : path.info.path,
             error);
        return false;
    }
    return true;
}

bool Importer::take_reply(const AssignedPath& path) {
    try {
        store_->connection().take_add_to_store_nar_reply();
    } catch (const std::exception& error) {
        fail(path.info.path, error);
        return false;
    }
    spdlog::info("imported {}", path.info.path);
    {
        const std::lock_guard lock(mutex_);
        imported_.push_back(path.info.path);
    }
    reported_.notify();
    return true;
}

std::optional<AssignedPath> Importer::take_next(std::stop_token stop, bool wait) {
    std::unique_lock lock(mutex_);
    if (wait) {
        busy_ = false;
        reported_.notify();
        if (!wake_.wait(lock, stop, [this] { return !queue_.empty(); })) {
            return std::nullopt;
        }
    } else if (queue_.empty() || stop.stop_requested()) {
        return std::nullopt;
    }
    AssignedPath next = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    return next;
}

void Importer::fail(std::string_view paths, const std::exception& error) {
    {
        const std::lock_guard lock(mutex_);
        failure_ = fmt::format("importing {}: {}", paths, error.what());
    }
    reported_.notify();
}

} // namespace shoal::agent
