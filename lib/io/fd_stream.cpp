#include "io/fd_stream.hpp"

#include "io/fibers.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace shoal::io {

namespace {

// One read(2), repeated when a signal interrupts it; on a fiber, the thread's
// other fibers run until there is something to read.
std::size_t read_once(int fd, std::span<char> into) {
    yield_until_ready(fd, POLLIN);
    for (;;) {
        const ssize_t n = ::read(fd, into.data(), into.size());
        if (n >= 0) {
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR) {
            util::throw_errno("read");
        }
    }
}

} // namespace

FdSource::FdSource(int fd, std::size_t buffer_size) : fd_(fd), buffer_(buffer_size) {}

std::size_t FdSource::read_some(std::span<char> out) {
    if (begin_ == end_) {
        // A large request bypasses the buffer: NAR payloads stream straight through.
        if (out.size() >= buffer_.size()) {
            return read_once(fd_, out);
        }
        begin_ = 0;
        end_ = read_once(fd_, buffer_);
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
        // POLLOUT promises room for some bytes, not all: on a blocking pipe the
        // write may still wait for its reader (nix-store and ssh read at once).
        yield_until_ready(fd_, POLLOUT);
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
