#include "agent/staged_nar_source.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shoal::agent {

StagedNarSource::StagedNarSource(const std::filesystem::path& file, std::stop_token stop)
    : file_(file), stop_(std::move(stop)), fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (!fd_) {
        util::throw_errno("opening " + file.string());
    }
    struct stat info {};
    if (::fstat(fd_.get(), &info) != 0) {
        util::throw_errno("inspecting " + file.string());
    }
    size_ = static_cast<std::uint64_t>(info.st_size);
}

std::size_t StagedNarSource::read_some(std::span<char> buffer) {
    if (stop_.stop_requested()) {
        throw util::Error("stopped reading " + file_.string() + ": the agent is shutting down");
    }
    for (;;) {
        const ssize_t count = ::read(fd_.get(), buffer.data(), buffer.size());
        if (count >= 0) {
            return static_cast<std::size_t>(count);
        }
        if (errno != EINTR) {
            util::throw_errno("reading " + file_.string());
        }
    }
}

} // namespace shoal::agent
