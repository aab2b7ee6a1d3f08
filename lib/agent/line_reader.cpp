#include "agent/line_reader.hpp"

#include "agent/protocol_error.hpp"
#include "util/error.hpp"

#include <array>
#include <cerrno>
#include <poll.h>
#include <unistd.h>
#include <vector>

namespace shoal::agent {

LineReader::LineReader(int fd, std::size_t max_line_length)
    : fd_(fd), lines_("the controller", max_line_length) {}

bool LineReader::readable() const {
    pollfd entry{fd_, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1;
}

std::optional<std::string> LineReader::next_line() {
    try {
        return read_line();
    } catch (const io::LineTooLong& e) {
        // To the agent, an endless line is a protocol error like any other.
        throw ProtocolError(e.what());
    }
}

std::optional<std::string> LineReader::read_line() {
    // Read only what is there: poll said so, so read() cannot block.
    for (;;) {
        if (auto line = lines_.next()) {
            return line;
        }
        if (ended_ || !readable()) {
            break;
        }
        std::array<char, 64 * 1024> chunk;
        const ssize_t count = ::read(fd_, chunk.data(), chunk.size());
        if (count < 0 && errno != EINTR && errno != EAGAIN) {
            util::throw_errno("reading the controller's messages");
        }
        ended_ = count == 0;
        lines_.append(std::span<const char>(chunk.data(),
                                            static_cast<std::size_t>(std::max<ssize_t>(count, 0))));
    }
    if (ended_ && !lines_.rest().empty()) {
        return lines_.take_rest();
    }
    return std::nullopt;
}

void LineReader::wait(std::chrono::milliseconds timeout, std::initializer_list<int> also) const {
    if (ended_ || lines_.rest().find('\n') != std::string::npos) {
        return;
    }
    std::vector<pollfd> entries{pollfd{fd_, POLLIN, 0}};
    for (const int fd : also) {
        entries.push_back(pollfd{fd, POLLIN, 0});
    }
    ::poll(entries.data(), entries.size(), static_cast<int>(timeout.count()));
}

} // namespace shoal::agent
