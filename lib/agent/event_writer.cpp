#include "agent/event_writer.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace shoal::agent {

EventWriter EventWriter::take_stdout() {
    io::UniqueFd protocol(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
    if (!protocol) {
        util::throw_errno("duplicating stdout");
    }
    if (::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        util::throw_errno("pointing stdout at stderr");
    }
    return EventWriter(std::move(protocol));
}

void EventWriter::write(const Event& event) {
    const std::string line = encode(event) + "\n";
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t count = ::write(fd_.get(), line.data() + written, line.size() - written);
        if (count < 0 && errno != EINTR) {
            util::throw_errno("writing an event to the controller");
        }
        written += static_cast<std::size_t>(std::max<ssize_t>(count, 0));
    }
}

} // namespace shoal::agent
