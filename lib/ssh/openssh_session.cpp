#include "ssh/openssh_session.hpp"

#include "io/fibers.hpp"
#include "ssh/error.hpp"
#include "ssh/openssh_arguments.hpp"
#include "ssh/openssh_channel.hpp"
#include "util/units.hpp"

#include <array>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sstream>

namespace shoal::ssh {
namespace {

using Clock = std::chrono::steady_clock;

// ssh's messages, one per line, as one line for a host's reason.
std::string one_line(const std::string& text) {
    std::string result;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            result += (result.empty() ? "" : "; ") + line;
        }
    }
    return result;
}

bool says(const std::string& text, std::string_view what) {
    return text.find(what) != std::string::npos;
}

} // namespace

OpenSshSession::ControlDirectory::ControlDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "shoal-ssh.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        util::throw_errno("creating a directory for an ssh control socket");
    }
    path_ = pattern;
}

OpenSshSession::ControlDirectory::~ControlDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

void OpenSshSession::StopMaster::operator()(io::ChildProcess* master) const {
    if (!master->exit_code_if_ended()) {
        ::kill(master->pid(), SIGTERM);
    }
    delete master;
}

OpenSshSession::OpenSshSession(ConnectOptions options)
    : options_(std::move(options)), destination_(options_.destination()),
      control_path_(control_directory_.path() / "master") {
    options_.validate();
    try {
        master_.reset(new io::ChildProcess(openssh_master_arguments(options_, control_path_)));
    } catch (const util::Error& e) {
        throw util::Error(fmt::format("{}: {}: install OpenSSH's client, or name it with "
                                      "--ssh-program",
                                      destination_, e.what()));
    }
    spdlog::debug("{}: {}", destination_, master_->command_line());
    // The master opens its control socket once it has logged in.
    const auto patience = options_.connect_timeout + options_.io_timeout;
    const auto deadline = Clock::now() + patience;
    for (;;) {
        if (const auto code = master_->exit_code_if_ended()) {
            fail_login(*code);
        }
        std::error_code ignored;
        if (std::filesystem::is_socket(control_path_, ignored)) {
            return;
        }
        if (Clock::now() >= deadline) {
            const std::string said = one_line(master_->error_output());
            throw util::Error(fmt::format(
                "{}: '{}' did not log in within {}{}", destination_, options_.ssh_program,
                util::format_seconds(std::chrono::duration<double>(patience).count()),
                said.empty() ? "" : ": " + said));
        }
        io::pause_for(std::chrono::milliseconds(20));
    }
}

void OpenSshSession::fail_login(int exit_code) {
    const std::string said = one_line(master_->error_output());
    const auto message =
        fmt::format("{}: '{}' could not log in (exit status {}){}", destination_,
                    options_.ssh_program, exit_code, said.empty() ? "" : ": " + said);
    if (says(said, "Host key verification failed") || says(said, "HOST IDENTIFICATION HAS")) {
        const auto file = options_.known_hosts.empty() ? std::string("~/.ssh/known_hosts")
                                                       : options_.known_hosts.string();
        throw HostKeyError(fmt::format(
            "{}: the host key is refused: add the host's key to known_hosts file {} (or fix its "
            "line if the host was reinstalled), or allow accepting new host keys",
            message, file));
    }
    if (says(said, "Permission denied")) {
        throw AuthenticationError(fmt::format(
            "{}: authentication as '{}' failed through '{}': {}: check the identities it offers "
            "(the inventory's identity, ssh_config's IdentityFile and CertificateFile, ssh-agent)",
            destination_, options_.user, options_.ssh_program, said));
    }
    throw util::Error(message);
}

std::unique_ptr<Channel> OpenSshSession::start(std::string command) {
    return std::make_unique<OpenSshChannel>(*this, std::move(command));
}

std::uint16_t OpenSshSession::forward_remote(const std::string& address, std::uint16_t port,
                                             std::chrono::milliseconds /*timeout*/) {
    // The master bounds the wait for the host's answer with its keepalives.
    io::ChildProcess ask(openssh_forward_arguments(options_, control_path_, address, port));
    std::string printed;
    std::array<char, 256> buffer{};
    while (const auto n = ask.output().read_some(buffer)) {
        printed.append(buffer.data(), n);
    }
    const int status = ask.wait();
    unsigned long host_port = 0;
    try {
        host_port = std::stoul(printed);
    } catch (const std::exception&) {
        host_port = 0;
    }
    if (status != 0 || host_port == 0 || host_port > 65535) {
        const auto said = ask.error_output();
        throw util::Error(fmt::format("{}: the host did not listen for {}:{} (ssh -O forward -R, "
                                      "exit status {}): {}",
                                      destination_, address, port, status,
                                      said.empty() ? printed : said));
    }
    return static_cast<std::uint16_t>(host_port);
}

int OpenSshSession::keepalive() {
    constexpr int never_due = 3600;
    return never_due;
}

} // namespace shoal::ssh
