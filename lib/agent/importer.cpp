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
    const std::lock_guard lock(mutex_);
    if (failure_) {
        throw util::Error(*failure_);
    }
    return {std::exchange(imported_, {}), queue_.empty() && !busy_};
}

void Importer::run(std::stop_token stop) {
    for (;;) {
        AssignedPath next;
        {
            std::unique_lock lock(mutex_);
            busy_ = false;
            if (!wake_.wait(lock, stop, [this] { return !queue_.empty(); })) {
                return;
            }
            next = std::move(queue_.front());
            queue_.pop_front();
            busy_ = true;
        }
        try {
            import(next, stop);
        } catch (const std::exception& error) {
            const std::lock_guard lock(mutex_);
            failure_ = fmt::format("importing {}: {}", next.info.path, error.what());
            return;
        }
        const std::lock_guard lock(mutex_);
        imported_.push_back(next.info.path);
    }
}

void Importer::import(const AssignedPath& path, std::stop_token stop) {
    const std::filesystem::path file = files_directory_ / path.file;
    StagedNarSource staged(file, std::move(stop));
    std::optional<io::ZstdSource> decompressed;
    std::uint64_t nar_size = staged.size();
    if (nix::nar_file_compression(path.file) == nix::NarCompression::zstd) {
        decompressed.emplace(staged, file.string());
        // Checked before Nix reads a byte; Nix checks the hash and size again.
        nar_size = decompressed->content_size().value_or(0);
    }
    if (nar_size != path.info.nar_size) {
        throw util::Error(fmt::format("{} holds {} bytes of NAR, but the path's NAR has {}",
                                      file.string(), nar_size, path.info.nar_size));
    }
    spdlog::debug("importing {} from {}", path.info.path, file.string());
    store_->connection().add_to_store_nar(
        path.info, decompressed ? static_cast<io::Source&>(*decompressed) : staged);
    spdlog::info("imported {}", path.info.path);
}

} // namespace shoal::agent
