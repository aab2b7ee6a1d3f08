#pragma once

#include "io/fd.hpp"
#include "io/wakeup.hpp"
#include "ssh/session.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace shoal::ssh {

// A bastion (OpenSSH's ProxyJump): one authenticated session to it, shared
// by every host behind it. Each tunnel is a direct-tcpip channel of that
// session, handed out as one end of a socket pair, so that a Session to the
// target runs over it exactly as over TCP. One thread per bastion pumps
// every tunnel's bytes (libssh2 sessions are not thread-safe: it alone
// touches this one after construction).
class JumpHost {
public:
    // Logs in over `connected` (a TCP socket, or the previous hop's tunnel).
    JumpHost(const Library& library, ConnectOptions options, io::UniqueFd connected);
    ~JumpHost();
    JumpHost(const JumpHost&) = delete;
    JumpHost& operator=(const JumpHost&) = delete;

    const std::string& destination() const { return session_.destination(); }

    // A socket connected through the bastion to address:port. Thread-safe;
    // throws util::Error naming the bastion when it cannot open the
    // connection within `timeout` or has lost its own.
    io::UniqueFd open_tunnel(const std::string& address, std::uint16_t port,
                             std::chrono::milliseconds timeout);

private:
    struct Request {
        std::string address;
        std::uint16_t port = 0;
        std::promise<io::UniqueFd> socket;
    };
    struct Tunnel;
    // What one libssh2 call did: nothing yet, moved bytes (or state), or
    // left a packet half sent, which that same call must finish before any other.
    enum class Step { idle, moved, half_sent };
    enum class Op { open, write, eof, read, free };
    struct Pending {
        Tunnel* tunnel = nullptr; // null for Op::open
        Op op = Op::open;
    };

    void run();
    // One round over every tunnel; true if anything moved.
    bool pass(std::span<char> buffer);
    Step take(const Pending& call, std::span<char> buffer);
    Step open_requested();
    void fail_all(const std::string& error);

    Session session_;
    io::Wakeup wakeup_;
    std::mutex mutex_; // guards requests_, stopping_ and failure_
    std::deque<Request> requests_;
    bool stopping_ = false;
    std::string failure_; // why the bastion's session ended; empty while it works
    std::vector<std::unique_ptr<Tunnel>> tunnels_; // the pump thread's alone, as is:
    std::optional<Pending> half_sent_;
    std::thread pump_;
};

} // namespace shoal::ssh
