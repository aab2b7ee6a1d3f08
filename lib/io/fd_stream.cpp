#include "io/fd_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace shoal::io {

FdSource::FdSource(int fd, std::size_t buffer_size) : fd_(fd), buffer_(buffer_size) {}

std::size_t FdSource::read_some(std::span<char> out) {
    if (begin_ == end_) {
        // A large request bypasses the buffer: NAR payloads stream straight through.
        if (out.size() >= buffer_.size()) {
            for (;;) {
                const ssize_t n = ::read(fd_, out.data(), out.size());
                if (n >= 0) {
                    return static_cast<std::size_t>(n);
                }
                if (errno != EINTR) {
                    util::throw_errno("read");
                }
            }
        }
        for (;;) {
            const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
            if (n >= 0) {
                begin_ = 0;
                end_ = static_cast<std::size_t>(n);
                break;
            }
            if (errno != EINTR) {
                util::throw_errno("read");
            }
        }
        if (end_ == 0) {
            return 0;
        }
    }
    const std::size_t n = std::min(out.size(), end_ - begin_);
    std::memcpy(out.data(), buffer_.data() + begin_, n);
    begin_ += n;
    return n;
}

FdSink::FdSink(int fd, std::size_t buffer_size) : fd_(fd), buffer_(buffer_size) {}

FdSink::~FdSink() {
    try {
        flush();
    } catch (const std::exception& e) {
        // A destructor must not throw; the owner flushes explicitly when it cares.
        spdlog::debug("dropping unflushed output: {}", e.what());
    }
}

void FdSink::write(std::span<const char> data) {
    if (used_ + data.size() > buffer_.size()) {
        flush();
    }
    if (data.size() >= buffer_.size()) {
        write_all(data);
        return;
    }
    std::memcpy(buffer_.data() + used_, data.data(), data.size());
    used_ += data.size();
}

void FdSink::flush() {
    if (used_ == 0) {
        return;
    }
    const std::size_t pending = std::exchange(used_, 0);
    write_all(std::span<const char>(buffer_.data(), pending));
}

void FdSink::write_all(std::span<const char> data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            util::throw_errno("write");
        }
        data = data.subspan(static_cast<std::size_t>(n));
    }
}

} // namespace shoal::io
