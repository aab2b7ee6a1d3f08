#include "agent/line_reader.hpp"

#include "agent/protocol_error.hpp"
#include "util/error.hpp"

#include <array>
#include <cerrno>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>
#include <utility>

namespace shoal::agent {

LineReader::LineReader(int fd, std::size_t max_line_length)
    : fd_(fd), max_line_length_(max_line_length) {}

std::size_t LineReader::find_newline() {
    const std::size_t newline = buffer_.find('\n', scanned_);
    scanned_ = newline == std::string::npos ? buffer_.size() : newline;
    return newline;
}

std::optional<std::string> LineReader::take_line() {
    const std::size_t newline = find_newline();
    if (newline == std::string::npos) {
        if (!ended_ || buffer_.empty()) {
            return std::nullopt;
        }
        scanned_ = 0;
        return std::exchange(buffer_, {});
    }
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    scanned_ = 0;
    return line;
}

bool LineReader::readable() const {
    pollfd entry{fd_, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1;
}

std::optional<std::string> LineReader::next_line() {
    // Read only what is there: poll said so, so read() cannot block.
    while (find_newline() == std::string::npos && !ended_ && readable()) {
        // Checked before each read: memory stays within one read of the
        // limit however long the peer keeps sending.
        check_length(buffer_.size());
        std::array<char, 64 * 1024> chunk;
        const ssize_t count = ::read(fd_, chunk.data(), chunk.size());
        if (count < 0 && errno != EINTR && errno != EAGAIN) {
            util::throw_errno("reading the controller's messages");
        }
        ended_ = count == 0;
        buffer_.append(chunk.data(), static_cast<std::size_t>(std::max<ssize_t>(count, 0)));
    }
    const std::size_t newline = find_newline();
    check_length(newline == std::string::npos ? buffer_.size() : newline);
    return take_line();
}

void LineReader::check_length(std::size_t length) const {
    if (length > max_line_length_) {
        throw ProtocolError(fmt::format(
            "the controller sent a line longer than {} bytes, the most allowed", max_line_length_));
    }
}

void LineReader::wait(std::chrono::milliseconds timeout) const {
    if (buffer_.find('\n', scanned_) != std::string::npos || ended_) {
        return;
    }
    pollfd entry{fd_, POLLIN, 0};
    ::poll(&entry, 1, static_cast<int>(timeout.count()));
}

} // namespace shoal::agent
