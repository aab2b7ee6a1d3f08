#include "ssh/libssh2_channel.hpp"

#include "ssh/libssh2_session.hpp"
#include "ssh/privileged_command.hpp"
#include "util/units.hpp"

#include <array>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::ssh {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t max_stderr_bytes = 64 * 1024;
constexpr std::size_t input_buffer_bytes = 64 * 1024;

// The command takes no more of our input: it ended without reading all of
// it, or stopped reading for the IO timeout. Waiting longer cannot help.
class InputRefused : public util::Error {
public:
    using util::Error::Error;
};

// Its side of the channel is at end of file (it exited, or closed its
// output) and our send window is empty: no window adjustment will come, so a
// write would wait forever while sshd kept answering our keepalives.
bool command_ended(LIBSSH2_CHANNEL* channel) {
    return libssh2_channel_window_write(channel) == 0 && libssh2_channel_eof(channel) != 0;
}

// Libssh2Session::retry, but giving up at `deadline` (returning LIBSSH2_ERROR_TIMEOUT)
// even while the peer answers keepalives: for waits on the command itself,
// which a live connection does not make any shorter.
template <typename Attempt>
auto retry_until(Libssh2Session& session, Clock::time_point deadline, std::string_view doing,
                 Attempt attempt) {
    return session.retry(doing, [&] {
        const auto rc = attempt();
        if (rc == LIBSSH2_ERROR_EAGAIN && Clock::now() >= deadline) {
            return static_cast<decltype(rc)>(LIBSSH2_ERROR_TIMEOUT);
        }
        return rc;
    });
}

std::string seconds_text(std::chrono::milliseconds duration) {
    return util::format_seconds(static_cast<double>(duration.count()) / 1000);
}

// SSH names signals without "SIG" ("KILL"); turn one into its number.
int signal_number(std::string_view name) {
    for (int number = 1; number < NSIG; ++number) {
        const char* abbreviation = ::sigabbrev_np(number);
        if (abbreviation != nullptr && name == abbreviation) {
            return number;
        }
    }
    return 0;
}

} // namespace

Libssh2Channel::Libssh2Channel(Libssh2Session& session, std::string command)
    : session_(session),
      command_(session.options().sudo ? with_sudo(command) : std::move(command)) {
    session_.retry(fmt::format("opening a channel for '{}'", command_), [&] {
        channel_ = libssh2_channel_open_session(session_.handle());
        return channel_ != nullptr ? 0 : libssh2_session_last_errno(session_.handle());
    });
    if (channel_ == nullptr) {
        throw util::Error(fmt::format("{}: cannot open a channel for '{}': {}",
                                      session_.destination(), command_, session_.last_error()));
    }
    const int rc = session_.retry(fmt::format("starting '{}'", command_),
                                  [&] { return libssh2_channel_exec(channel_, command_.c_str()); });
    if (rc != 0) {
        const std::string message = fmt::format("{}: cannot start '{}': {}", session_.destination(),
                                                command_, session_.last_error());
        session_.blocking(session_.options().io_timeout, [&] { libssh2_channel_free(channel_); });
        throw util::Error(message);
    }
}

Libssh2Channel::~Libssh2Channel() {
    session_.blocking(std::chrono::seconds(2), [&] { libssh2_channel_free(channel_); });
}

void Libssh2Channel::fail(std::string_view doing) const {
    throw util::Error(fmt::format("{}: {} '{}': {}", session_.destination(), doing, command_,
                                  session_.last_error()));
}

void Libssh2Channel::drain_stderr() {
    // libssh2 may be finishing a half-sent packet of ours; reading could then
    // need to send a window adjustment in between, which libssh2 forbids.
    if ((libssh2_session_block_directions(session_.handle()) & LIBSSH2_SESSION_BLOCK_OUTBOUND) !=
        0) {
        return;
    }
    std::array<char, 16 * 1024> buffer{};
    for (;;) {
        const ssize_t n = libssh2_channel_read_stderr(channel_, buffer.data(), buffer.size());
        if (n <= 0) {
            return;
        }
        stderr_text_.append(buffer.data(), static_cast<std::size_t>(n));
        if (stderr_text_.size() > max_stderr_bytes) {
            stderr_text_.erase(0, stderr_text_.size() - max_stderr_bytes);
        }
    }
}

std::size_t Libssh2Channel::read_some(std::span<char> buffer) {
    const std::string doing = fmt::format("reading the output of '{}'", command_);
    const auto read = [&] {
        drain_stderr();
        return libssh2_channel_read(channel_, buffer.data(), buffer.size());
    };
    for (;;) {
        const ssize_t n = session_.retry(doing, read);
        if (n > 0) {
            return static_cast<std::size_t>(n);
        }
        if (n < 0) {
            fail("cannot read the output of");
        }
        if (libssh2_channel_eof(channel_) != 0) {
            drain_stderr();
            return 0;
        }
    }
}

void Libssh2Channel::write(std::span<const char> data) {
    if (eof_sent_) {
        throw util::Error(fmt::format("{}: writing to '{}' after its end of input",
                                      session_.destination(), command_));
    }
    pending_input_.insert(pending_input_.end(), data.begin(), data.end());
    if (pending_input_.size() >= input_buffer_bytes) {
        flush();
    }
}

void Libssh2Channel::flush() {
    pending_input_.insert(pending_input_.end(), queued_input_.begin(), queued_input_.end());
    queued_input_.clear();
    const std::string doing = fmt::format("sending input to '{}'", command_);
    const auto io_timeout = session_.options().io_timeout;
    std::size_t done = 0;
    while (done < pending_input_.size()) {
        bool ended = false;
        // After EAGAIN libssh2 needs the very same buffer again, which pending_input_ stays.
        const ssize_t n = retry_until(session_, Clock::now() + io_timeout, doing, [&] {
            drain_stderr();
            ssize_t rc = libssh2_channel_write(channel_, pending_input_.data() + done,
                                               pending_input_.size() - done);
            // With its send window used up, libssh2 sends nothing and returns 0:
            // wait for a window adjustment like for any other EAGAIN, not in a busy loop.
            if (rc == 0) {
                rc = LIBSSH2_ERROR_EAGAIN;
            }
            ended = rc == LIBSSH2_ERROR_EAGAIN && command_ended(channel_);
            return ended ? LIBSSH2_ERROR_CHANNEL_EOF_SENT : rc;
        });
        if (ended || n == LIBSSH2_ERROR_TIMEOUT) {
            // Undeliverable: sending EOF later must not wait for it again.
            pending_input_.clear();
            throw InputRefused(ended ? fmt::format("{}: '{}' ended without reading all its input",
                                                   session_.destination(), command_)
                                     : fmt::format("{}: '{}' read none of its input for {}",
                                                   session_.destination(), command_,
                                                   seconds_text(io_timeout)));
        }
        if (n < 0) {
            fail("cannot send input to");
        }
        done += static_cast<std::size_t>(n);
    }
    pending_input_.clear();
}

std::optional<std::size_t> Libssh2Channel::read_available(std::span<char> buffer) {
    // As in drain_stderr: the half-sent packet goes first (send_available).
    if ((libssh2_session_block_directions(session_.handle()) & LIBSSH2_SESSION_BLOCK_OUTBOUND) !=
        0) {
        return std::nullopt;
    }
    drain_stderr();
    const ssize_t n = libssh2_channel_read(channel_, buffer.data(), buffer.size());
    if (n == LIBSSH2_ERROR_EAGAIN) {
        return std::nullopt;
    }
    if (n < 0) {
        fail("cannot read the output of");
    }
    if (n == 0 && libssh2_channel_eof(channel_) == 0) {
        return std::nullopt;
    }
    drain_stderr();
    return static_cast<std::size_t>(n);
}

void Libssh2Channel::queue_input(std::string_view data) {
    if (eof_sent_) {
        throw util::Error(fmt::format("{}: writing to '{}' after its end of input",
                                      session_.destination(), command_));
    }
    queued_input_.append(data);
}

bool Libssh2Channel::send_available() {
    for (;;) {
        if (pending_input_.empty()) {
            if (queued_input_.empty()) {
                return true;
            }
            pending_input_.assign(queued_input_.begin(), queued_input_.end());
            queued_input_.clear();
        }
        drain_stderr();
        // After EAGAIN libssh2 needs the very same buffer again, which pending_input_ stays.
        const ssize_t n =
            libssh2_channel_write(channel_, pending_input_.data(), pending_input_.size());
        if (n == LIBSSH2_ERROR_EAGAIN || n == 0) {
            if (command_ended(channel_)) {
                pending_input_.clear();
                queued_input_.clear();
                throw InputRefused(fmt::format("{}: '{}' ended without reading all its input",
                                               session_.destination(), command_));
            }
            return false;
        }
        if (n < 0) {
            fail("cannot send input to");
        }
        pending_input_.erase(pending_input_.begin(), pending_input_.begin() + n);
    }
}

void Libssh2Channel::send_eof() {
    if (eof_sent_) {
        return;
    }
    flush();
    const int rc = session_.retry(fmt::format("closing the input of '{}'", command_), [&] {
        drain_stderr();
        return libssh2_channel_send_eof(channel_);
    });
    if (rc != 0) {
        fail("cannot close the input of");
    }
    eof_sent_ = true;
}

int Libssh2Channel::exit_status() {
    if (exit_status_) {
        return *exit_status_;
    }
    const auto io_timeout = session_.options().io_timeout;
    try {
        send_eof();
    } catch (const InputRefused& e) {
        // Nobody reads the rest, but how the command ends still says why.
        spdlog::debug("{}", e.what());
        send_eof();
    }
    // A command that ignores the end of its input must not hold us forever.
    const auto deadline = Clock::now() + io_timeout;
    const std::string doing = fmt::format("waiting for '{}' to end", command_);
    const auto until_end = [&](auto attempt) {
        const auto rc = retry_until(session_, deadline, doing, attempt);
        if (rc == LIBSSH2_ERROR_TIMEOUT) {
            throw util::Error(fmt::format("{}: '{}' did not end within {} of the end of its input",
                                          session_.destination(), command_,
                                          seconds_text(io_timeout)));
        }
        return rc;
    };
    std::array<char, 64 * 1024> discard{};
    std::uint64_t discarded = 0;
    for (;;) {
        const ssize_t n = until_end([&] {
            drain_stderr();
            return libssh2_channel_read(channel_, discard.data(), discard.size());
        });
        if (n < 0) {
            fail("cannot read the output of");
        }
        if (n == 0 && libssh2_channel_eof(channel_) != 0) {
            break;
        }
        discarded += static_cast<std::size_t>(n);
    }
    if (discarded > 0) {
        spdlog::debug("{}: discarded {} unread bytes of '{}'", session_.destination(), discarded,
                      command_);
    }
    if (until_end([&] { return libssh2_channel_close(channel_); }) != 0 ||
        until_end([&] { return libssh2_channel_wait_closed(channel_); }) != 0) {
        fail("cannot wait for the end of");
    }
    drain_stderr();
    char* signal_name = nullptr;
    std::size_t signal_length = 0;
    libssh2_channel_get_exit_signal(channel_, &signal_name, &signal_length, nullptr, nullptr,
                                    nullptr, nullptr);
    if (signal_name != nullptr) {
        exit_status_ = 128 + signal_number(std::string_view(signal_name, signal_length));
        libssh2_free(session_.handle(), signal_name);
    } else {
        exit_status_ = libssh2_channel_get_exit_status(channel_);
    }
    return *exit_status_;
}

pollfd Libssh2Channel::poll_target() const {
    return pollfd{session_.socket(), session_.poll_events(), 0};
}

std::size_t Libssh2Channel::unacknowledged_bytes() const {
    return session_.unacknowledged_bytes();
}

std::string Libssh2Channel::error_output() const {
    const auto first = stderr_text_.find_first_not_of(" \n\r\t");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = stderr_text_.find_last_not_of(" \n\r\t");
    return stderr_text_.substr(first, last - first + 1);
}

} // namespace shoal::ssh
