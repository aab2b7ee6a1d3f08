#include "ssh/openssh_channel.hpp"

#include "io/fibers.hpp"
#include "ssh/openssh_arguments.hpp"
#include "ssh/openssh_session.hpp"
#include "ssh/privileged_command.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace shoal::ssh {
namespace {

using Clock = std::chrono::steady_clock;

// Whether `fd` has `events` now, or within `timeout`.
bool ready(int fd, short events, std::chrono::milliseconds timeout) {
    return io::wait_ready(fd, events, timeout) != 0;
}

} // namespace

OpenSshChannel::OpenSshChannel(const OpenSshSession& session, std::string command)
    : session_(session), command_(session.options().sudo ? with_sudo(command) : std::move(command)),
      client_(openssh_command_arguments(session.options(), session.control_path(), command_)) {}

void OpenSshChannel::send_eof() {
    if (eof_sent_) {
        return;
    }
    if (!queued_input_.empty()) {
        client_.input().write(std::string_view(queued_input_));
        queued_input_.clear();
    }
    try {
        client_.input().flush();
    } catch (const util::Error& e) {
        throw util::Error(fmt::format("{}: '{}' ended without reading all its input: {}",
                                      session_.destination(), command_, e.what()));
    }
    client_.close_input();
    eof_sent_ = true;
}

int OpenSshChannel::exit_status() {
    if (exit_status_) {
        return *exit_status_;
    }
    try {
        send_eof();
    } catch (const util::Error&) {
        // Nobody reads the rest, but how the command ends still says why.
    }
    // A command that ignores the end of its input must not hold us forever.
    const auto io_timeout = session_.options().io_timeout;
    const auto deadline = Clock::now() + io_timeout;
    std::array<char, 64 * 1024> discard{};
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            throw util::Error(fmt::format(
                "{}: '{}' did not end within {} of the end of its input", session_.destination(),
                command_, util::format_seconds(std::chrono::duration<double>(io_timeout).count())));
        }
        if (!ready(client_.output_fd(), POLLIN, left)) {
            continue; // interrupted, or the deadline: the check above tells
        }
        const ssize_t n = ::read(client_.output_fd(), discard.data(), discard.size());
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
            break;
        }
    }
    exit_status_ = client_.wait();
    return *exit_status_;
}

std::optional<std::size_t> OpenSshChannel::read_available(std::span<char> buffer) {
    if (!ready(client_.output_fd(), POLLIN, std::chrono::milliseconds(0))) {
        return std::nullopt;
    }
    const ssize_t n = ::read(client_.output_fd(), buffer.data(), buffer.size());
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            return std::nullopt;
        }
        util::throw_errno(
            fmt::format("{}: reading the output of '{}'", session_.destination(), command_));
    }
    return static_cast<std::size_t>(n);
}

void OpenSshChannel::queue_input(std::string_view data) {
    if (eof_sent_) {
        throw util::Error(fmt::format("{}: writing to '{}' after its end of input",
                                      session_.destination(), command_));
    }
    queued_input_.append(data);
}

bool OpenSshChannel::send_available() {
    // A pipe that polls writable takes PIPE_BUF bytes without blocking.
    while (!queued_input_.empty() &&
           ready(client_.input_fd(), POLLOUT, std::chrono::milliseconds(0))) {
        const auto size = std::min<std::size_t>(queued_input_.size(), PIPE_BUF);
        const ssize_t n = ::write(client_.input_fd(), queued_input_.data(), size);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                return false;
            }
            if (errno == EPIPE) {
                queued_input_.clear();
                throw util::Error(fmt::format("{}: '{}' ended without reading all its input",
                                              session_.destination(), command_));
            }
            util::throw_errno(
                fmt::format("{}: sending input to '{}'", session_.destination(), command_));
        }
        queued_input_.erase(0, static_cast<std::size_t>(n));
    }
    return queued_input_.empty();
}

pollfd OpenSshChannel::poll_target() const {
    return pollfd{client_.output_fd(), POLLIN, 0};
}

std::size_t OpenSshChannel::unacknowledged_bytes() const {
    int bytes = 0;
    // What the ssh client has not read from its stdin yet.
    return ::ioctl(client_.input_fd(), FIONREAD, &bytes) == 0 ? static_cast<std::size_t>(bytes) : 0;
}

} // namespace shoal::ssh
