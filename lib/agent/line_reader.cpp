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

std::optional<std::string> LineReader::take_line() {
    const std::size_t newline = buffer_.find('\n');
    if (newline == std::string::npos) {
        if (!ended_ || buffer_.empty()) {
            return std::nullopt;
        }
        return std::exchange(buffer_, {});
    }
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    return line;
}

bool LineReader::readable() const {
    pollfd entry{fd_, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1;
}

std::optional<std::string> LineReader::next_line() {
    // Read only what is there: poll said so, so read() cannot block.
    while (buffer_.find('\n') == std::string::npos && !ended_ && readable()) {
        std::array<char, 64 * 1024> chunk;
        const ssize_t count = ::read(fd_, chunk.data(), chunk.size());
        if (count < 0 && errno != EINTR && errno != EAGAIN) {
            util::throw_errno("reading the controller's messages");
        }
        ended_ = count == 0;
        buffer_.append(chunk.data(), static_cast<std::size_t>(std::max<ssize_t>(count, 0)));
        if (buffer_.find('\n') == std::string::npos && buffer_.size() > max_line_length_) {
            throw ProtocolError(
                fmt::format("a message is longer than the limit of {} bytes", max_line_length_));
        }
    }
    return take_line();
}

void LineReader::wait(std::chrono::milliseconds timeout) const {
    if (buffer_.find('\n') != std::string::npos || ended_) {
        return;
    }
    pollfd entry{fd_, POLLIN, 0};
    ::poll(&entry, 1, static_cast<int>(timeout.count()));
}

} // namespace shoal::agent
