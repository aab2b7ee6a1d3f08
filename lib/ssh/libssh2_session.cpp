#include "ssh/libssh2_session.hpp"

#include "io/fibers.hpp"
#include "ssh/authenticator.hpp"
#include "ssh/connector.hpp"
#include "ssh/error.hpp"
#include "ssh/key_blob.hpp"
#include "ssh/known_hosts.hpp"
#include "ssh/libssh2_channel.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <linux/sockios.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace shoal::ssh {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A peer that is alive answers a keepalive well within the IO timeout. libssh2
// turns 1 s into 2 s, its shortest interval.
unsigned keepalive_interval_seconds(milliseconds io_timeout) {
    return static_cast<unsigned>(std::max<long long>(2, io_timeout.count() / 4000));
}

} // namespace

void Libssh2Session::SessionFree::operator()(LIBSSH2_SESSION* session) const {
    // Bounded: a dead peer must not hold up our exit.
    libssh2_session_set_timeout(session, 2000);
    libssh2_session_set_blocking(session, 1);
    libssh2_session_free(session);
}

Libssh2Session::Libssh2Session(Connector& connector, ConnectOptions options)
    : Libssh2Session(connector.library(), options, connector.connect(options)) {}

Libssh2Session::Libssh2Session(const Library& /*library*/, ConnectOptions options,
                               io::UniqueFd connected)
    : options_(std::move(options)), socket_(std::move(connected)) {
    options_.validate();
    destination_ = options_.destination();
    const auto known_hosts_path = options_.known_hosts_file(
        options_.known_hosts.empty() ? home_directory() : std::filesystem::path());
    session_.reset(libssh2_session_init());
    if (!session_) {
        throw util::Error(destination_ + ": cannot create an SSH session");
    }
    libssh2_session_set_blocking(handle(), 0);
    const KnownHosts known_hosts(handle(), known_hosts_path);
    handshake(known_hosts);
    verify_host_key(known_hosts);
    libssh2_keepalive_config(handle(), 1, keepalive_interval_seconds(options_.io_timeout));
    Authenticator(*this).run();
    const char* compression = libssh2_session_methods(handle(), LIBSSH2_METHOD_COMP_CS);
    spdlog::debug("{}: connected and authenticated (compression: {})", destination_,
                  compression != nullptr ? compression : "none");
}

Libssh2Session::~Libssh2Session() {
    // Bounded: a dead peer must not hold up our exit.
    libssh2_session_set_timeout(handle(), 2000);
    libssh2_session_set_blocking(handle(), 1);
    libssh2_session_disconnect(handle(), "shoal is done");
    // libssh2 frees a session only after closing its channels, each a wait
    // for the peer; a channel whose close already timed out (its command
    // stopped) would time out again, and libssh2 would give up and leak the
    // whole session. With the socket shut down, every such wait fails at once.
    ::shutdown(socket_.get(), SHUT_RDWR);
}

std::string Libssh2Session::last_error() const {
    char* message = nullptr;
    const int code = libssh2_session_last_error(handle(), &message, nullptr, 0);
    return fmt::format("{} (libssh2 error {})",
                       message != nullptr && *message != '\0' ? message : "unknown", code);
}

void Libssh2Session::handshake(const KnownHosts& known_hosts) {
    // The server offers the key type we ask for first; ask for the one known_hosts can check.
    const std::string algorithms = known_hosts.key_algorithms(options_.address, options_.port);
    if (!algorithms.empty() &&
        libssh2_session_method_pref(handle(), LIBSSH2_METHOD_HOSTKEY, algorithms.c_str()) != 0) {
        throw util::Error(fmt::format("{}: libssh2 supports none of the host key types {} holds "
                                      "for this host ({}): {}",
                                      destination_, known_hosts.file().string(), algorithms,
                                      last_error()));
    }
    const int rc = retry("exchanging keys",
                         [&] { return libssh2_session_handshake(handle(), socket_.get()); });
    if (rc != 0) {
        const std::string asked = algorithms.empty()
                                      ? ""
                                      : fmt::format(" (asked for the host key types {} holds: {})",
                                                    known_hosts.file().string(), algorithms);
        throw util::Error(
            fmt::format("{}: SSH handshake failed{}: {}", destination_, asked, last_error()));
    }
}

void Libssh2Session::verify_host_key(const KnownHosts& known_hosts) {
    std::size_t length = 0;
    int type = 0;
    const char* raw = libssh2_session_hostkey(handle(), &length, &type);
    if (raw == nullptr) {
        throw util::Error(destination_ + ": the server sent no host key: " + last_error());
    }
    const std::span key(reinterpret_cast<const unsigned char*>(raw), length);
    const std::string offered =
        fmt::format("{} key {}", hostkey_algorithm(type), sha256_fingerprint(key));
    const auto check = known_hosts.check(options_.address, options_.port, key, type);
    const std::string file = known_hosts.file().string();
    switch (check.verdict) {
    case KnownHosts::Verdict::match:
        spdlog::debug("{}: host key {} matches {}", destination_, offered, file);
        return;
    case KnownHosts::Verdict::unknown:
        if (!options_.accept_new_host_keys) {
            throw HostKeyError(fmt::format(
                "{}: unknown host: {} is not in {} (it offers {}); add its key to that file, "
                "or allow accepting new host keys",
                destination_, options_.address, file, offered));
        }
        known_hosts.append(options_.address, options_.port, key);
        spdlog::warn("{}: added {} to {}", destination_, offered, file);
        return;
    case KnownHosts::Verdict::revoked: {
        const auto line = known_hosts.line_of(key);
        throw HostKeyError(fmt::format("{}: the host offered {}, which {}{} marks @revoked",
                                       destination_, offered, file,
                                       line ? fmt::format(":{}", *line) : ""));
    }
    case KnownHosts::Verdict::mismatch: {
        const auto line = known_hosts.line_of(check.expected_key);
        throw HostKeyError(fmt::format(
            "{}: HOST KEY CHANGED: {}{} expects {} key {}, but the host offered {}; someone may "
            "be intercepting the connection, or the host was reinstalled (then fix that line)",
            destination_, file, line ? fmt::format(":{}", *line) : "",
            key_type_of_blob(check.expected_key), sha256_fingerprint(check.expected_key), offered));
    }
    }
}

void Libssh2Session::send_keepalive_when_writable(int& seconds_to_next) {
    // libssh2 keeps a half-sent packet to finish on the next send; a keepalive
    // squeezed in then would break the pending write, so send only into a
    // writable socket, when no write of ours is waiting.
    if ((libssh2_session_block_directions(handle()) & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) {
        return;
    }
    pollfd entry{socket_.get(), POLLOUT, 0};
    if (::poll(&entry, 1, 0) == 1 && (entry.revents & POLLOUT) != 0) {
        // A failure shows up as silence, which the IO timeout catches.
        libssh2_keepalive_send(handle(), &seconds_to_next);
    }
}

std::size_t Libssh2Session::unacknowledged_bytes() const {
    int bytes = 0;
    // An error reads as nothing outstanding: the next read or write reports it.
    return ::ioctl(socket_.get(), SIOCOUTQ, &bytes) == 0 ? static_cast<std::size_t>(bytes) : 0;
}

short Libssh2Session::poll_events() const {
    const int directions = libssh2_session_block_directions(handle());
    return (directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0 ? POLLIN | POLLOUT : POLLIN;
}

std::unique_ptr<Channel> Libssh2Session::start(std::string command) {
    return std::make_unique<Libssh2Channel>(*this, std::move(command));
}

int Libssh2Session::keepalive() {
    int seconds_to_next = 1;
    send_keepalive_when_writable(seconds_to_next);
    return std::max(seconds_to_next, 1);
}

void Libssh2Session::wait_for_socket(std::string_view doing, Clock::time_point& deadline) {
    const int directions = libssh2_session_block_directions(handle());
    short events = 0;
    if ((directions & LIBSSH2_SESSION_BLOCK_INBOUND) != 0) {
        events |= POLLIN;
    }
    if ((directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) {
        events |= POLLOUT;
    }
    int seconds_to_next = 1;
    send_keepalive_when_writable(seconds_to_next);
    const auto now = Clock::now();
    if (now >= deadline) {
        throw util::Error(fmt::format(
            "{}: the peer has been silent for {} while {}", destination_,
            util::format_seconds(static_cast<double>(options_.io_timeout.count()) / 1000), doing));
    }
    // With no direction given, libssh2 wants another try soon: wait briefly for input.
    const auto wait = events == 0
                          ? milliseconds(10)
                          : std::min({std::chrono::duration_cast<milliseconds>(deadline - now),
                                      milliseconds(1000L * std::max(seconds_to_next, 1))});
    // On a fiber (connecting a fleet), the thread's other hosts go on meanwhile.
    if (io::wait_ready(socket_.get(), events == 0 ? static_cast<short>(POLLIN) : events, wait) !=
        0) {
        deadline = Clock::now() + options_.io_timeout;
    }
}

} // namespace shoal::ssh
