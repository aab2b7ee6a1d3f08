#pragma once

#include "io/child_process.hpp"
#include "ssh/remote_forwarding.hpp"
#include "ssh/session.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace shoal::ssh {

// A Session through the system's OpenSSH client, for what libssh2 cannot do
// (RSA keys against OpenSSH 8.8 and later, certificates, ProxyCommand,
// Match): a control master (ssh -M) logs in once, and each command runs as
// a client of it (ssh -S), its stdin and stdout the channel's. A process per
// host and per command: the compatible transport, not the scalable one.
class OpenSshSession final : public Session, public RemoteForwarding {
public:
    // Checks `options` (UsageError), starts the master and waits until it
    // has logged in: at most the connect timeout plus the IO timeout. Throws
    // HostKeyError, AuthenticationError or util::Error with what ssh said.
    explicit OpenSshSession(ConnectOptions options);
    OpenSshSession(const OpenSshSession&) = delete;
    OpenSshSession& operator=(const OpenSshSession&) = delete;

    const ConnectOptions& options() const override { return options_; }
    const std::string& destination() const override { return destination_; }
    std::unique_ptr<Channel> start(std::string command) override;
    // The master sends its own keepalives (ServerAliveInterval).
    int keepalive() override;

    // Asks the master: `ssh -O forward -R 127.0.0.1:0:address:port`.
    std::uint16_t forward_remote(const std::string& address, std::uint16_t port,
                                 std::chrono::milliseconds timeout) override;

    const std::filesystem::path& control_path() const { return control_path_; }

private:
    // A directory only we can enter, for the control socket (nobody else may
    // connect to the master, which runs commands as the host's user);
    // removed with everything in it.
    class ControlDirectory {
    public:
        ControlDirectory();
        ~ControlDirectory();
        ControlDirectory(const ControlDirectory&) = delete;
        ControlDirectory& operator=(const ControlDirectory&) = delete;
        const std::filesystem::path& path() const { return path_; }

    private:
        std::filesystem::path path_;
    };
    // The master does not end with its input: a running one gets SIGTERM,
    // on which it closes its connection and socket.
    struct StopMaster {
        void operator()(io::ChildProcess* master) const;
    };

    // Why the master ended before it logged in, as the error to throw.
    [[noreturn]] void fail_login(int exit_code);

    ConnectOptions options_;
    std::string destination_;
    ControlDirectory control_directory_; // before the master: it outlives the socket
    std::filesystem::path control_path_;
    std::unique_ptr<io::ChildProcess, StopMaster> master_;
};

} // namespace shoal::ssh
