#include "ssh/channel.hpp"

#include "ssh/session.hpp"

#include <array>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::ssh {
namespace {

constexpr std::size_t max_stderr_bytes = 64 * 1024;
constexpr std::size_t input_buffer_bytes = 64 * 1024;

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

Channel::Channel(Session& session, std::string command)
    : session_(session), command_(std::move(command)) {
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

Channel::~Channel() {
    session_.blocking(std::chrono::seconds(2), [&] { libssh2_channel_free(channel_); });
}

void Channel::fail(std::string_view doing) const {
    throw util::Error(fmt::format("{}: {} '{}': {}", session_.destination(), doing, command_,
                                  session_.last_error()));
}

void Channel::drain_stderr() {
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

std::size_t Channel::read_some(std::span<char> buffer) {
    const std::string doing = fmt::format("reading the output of '{}'", command_);
    for (;;) {
        const ssize_t n = session_.retry(doing, [&] {
            drain_stderr();
            return libssh2_channel_read(channel_, buffer.data(), buffer.size());
        });
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

void Channel::write(std::span<const char> data) {
    if (eof_sent_) {
        throw util::Error(fmt::format("{}: writing to '{}' after its end of input",
                                      session_.destination(), command_));
    }
    pending_input_.insert(pending_input_.end(), data.begin(), data.end());
    if (pending_input_.size() >= input_buffer_bytes) {
        flush();
    }
}

void Channel::flush() {
    const std::string doing = fmt::format("sending input to '{}'", command_);
    std::size_t done = 0;
    while (done < pending_input_.size()) {
        // After EAGAIN libssh2 needs the very same buffer again, which pending_input_ stays.
        const ssize_t n = session_.retry(doing, [&] {
            drain_stderr();
            return libssh2_channel_write(channel_, pending_input_.data() + done,
                                         pending_input_.size() - done);
        });
        if (n < 0) {
            fail("cannot send input to");
        }
        done += static_cast<std::size_t>(n);
    }
    pending_input_.clear();
}

void Channel::send_eof() {
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

int Channel::exit_status() {
    if (exit_status_) {
        return *exit_status_;
    }
    send_eof();
    std::array<char, 64 * 1024> discard{};
    std::uint64_t discarded = 0;
    while (const std::size_t n = read_some(discard)) {
        discarded += n;
    }
    if (discarded > 0) {
        spdlog::debug("{}: discarded {} unread bytes of '{}'", session_.destination(), discarded,
                      command_);
    }
    const std::string doing = fmt::format("waiting for '{}' to end", command_);
    if (session_.retry(doing, [&] { return libssh2_channel_close(channel_); }) != 0 ||
        session_.retry(doing, [&] { return libssh2_channel_wait_closed(channel_); }) != 0) {
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

std::string Channel::error_output() const {
    const auto first = stderr_text_.find_first_not_of(" \n\r\t");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = stderr_text_.find_last_not_of(" \n\r\t");
    return stderr_text_.substr(first, last - first + 1);
}

} // namespace shoal::ssh
