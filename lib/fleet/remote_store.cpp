#include "fleet/remote_store.hpp"

#include "ssh/remote_command.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::fleet {

namespace {

// What a host and a bastion (inventory::Host, inventory::JumpHost) both say.
template <typename Endpoint> void set_endpoint(ssh::ConnectOptions& to, const Endpoint& from) {
    to.address = from.address;
    to.config_name = from.ssh_config_name;
    to.port = from.port;
    to.user = from.user;
    to.identities.assign(from.identities.begin(), from.identities.end());
    to.identities_only = from.identities_only;
    to.known_hosts = from.known_hosts;
}

} // namespace

ssh::ConnectOptions connect_options(const inventory::Host& host, const RemoteOptions& options) {
    ssh::ConnectOptions result;
    set_endpoint(result, host);
    result.sudo = options.sudo || host.become_sudo;
    result.ssh_program = !options.ssh_program.empty() ? options.ssh_program
                         : host.openssh               ? "ssh"
                                                      : "";
    result.compress = options.compress && !result.ssh_program.empty(); // see its comment
    result.config_file = host.ssh_config_file;
    result.accept_new_host_keys =
        options.accept_new_host_keys || host.accept_new_host_keys.value_or(false);
    result.connect_timeout = options.connect_timeout_given
                                 ? options.connect_timeout
                                 : host.connect_timeout.value_or(options.connect_timeout);
    result.io_timeout = options.io_timeout_given ? options.io_timeout
                                                 : host.io_timeout.value_or(options.io_timeout);
    // OpenSSH's floor is one keepalive; ours is the session's shortest silence.
    result.io_timeout =
        std::max<std::chrono::milliseconds>(result.io_timeout, ssh::ConnectOptions::min_io_timeout);
    for (const auto& hop : host.jump) {
        ssh::ConnectOptions via = result; // the timeouts and host key policy
        via.jump.clear();
        via.sudo = false;     // a bastion only forwards
        via.compress = false; // what the host's own connection compressed already
        set_endpoint(via, hop);
        result.jump.push_back(std::move(via));
    }
    return result;
}

RemoteStore::RemoteStore(ssh::Connector& connector, const inventory::Host& host,
                         const RemoteOptions& options)
    : session_(connector.open(connect_options(host, options))),
      channel_(session_->start(options.remote_nix_store + " --serve --write")),
      connection_(channel_->output(), channel_->input(), [this] {
          // nix-store reports a failure on stderr and exits: wait for the exit
          // (at most the IO timeout) so that the whole message is in.
          std::string ending;
          try {
              ending = fmt::format("'{}' exited with status {}", channel_->command(),
                                   channel_->exit_status());
          } catch (const util::Error& e) {
              ending = e.what();
          }
          const auto message = channel_->error_output();
          return message.empty() ? ending : message;
      }) {
    try {
        connection_.handshake();
    } catch (const nix::ServeError& e) {
        throw util::Error(handshake_failure(e.what()));
    }
}

std::string RemoteStore::handshake_failure(const std::string& error) {
    const auto& destination = session_->destination();
    if (const auto version = connection_.remote_version(); version != 0) {
        // It answered the handshake, with a version we cannot speak.
        return fmt::format("{}: {}: its nix-store speaks serve protocol {}.{}; shoal needs 2.5 or "
                           "a later 2.x, as Nix 2.5 and later speak it: upgrade Nix there, or "
                           "point --remote-nix-store at another nix-store",
                           destination, error, version >> 8, version & 0xff);
    }
    if (session_->options().sudo) {
        if (auto refusal = sudo_refusal(); !refusal.empty()) {
            return refusal;
        }
    }
    if (const auto printed = login_output(); !printed.empty()) {
        return fmt::format("{}: {}: the host's login prints '{}' on stdout before any command "
                           "runs, which garbles nix-store's protocol (nix-copy-closure fails "
                           "there too): make its shell startup files (~/.bashrc, "
                           "/etc/bash.bashrc) or sshd's ForceCommand print nothing, or only in "
                           "interactive sessions",
                           destination, error, printed);
    }
    // The shell's "command not found".
    constexpr int not_found = 127;
    int status = 0;
    try {
        status = channel_->exit_status();
    } catch (const util::Error& e) {
        spdlog::debug("{}: {}", destination, e.what());
    }
    if (status == not_found) {
        return fmt::format("{}: '{}' cannot start there: {}: install Nix on the host, or name "
                           "its nix-store with --remote-nix-store",
                           destination, channel_->command(), channel_->error_output());
    }
    return fmt::format("{}: {}", destination, error);
}

std::string RemoteStore::sudo_refusal() {
    // sudo's own lines only: the login may print warnings of its own.
    std::string said;
    std::istringstream lines(channel_->error_output());
    for (std::string line; std::getline(lines, line);) {
        if (line.find("sudo: ") != std::string::npos) {
            said += (said.empty() ? "" : "; ") + line;
        }
    }
    const auto& destination = session_->destination();
    const auto& user = session_->options().user;
    if (said.find("password is required") != std::string::npos ||
        said.find("a terminal is required") != std::string::npos) {
        return fmt::format("{}: sudo wants a password for '{}' ({}), and shoal cannot type one: "
                           "give {} a NOPASSWD sudoers rule for nix-store and shoal, or log in "
                           "as root without --sudo and `become: sudo`",
                           destination, channel_->command(), said, user);
    }
    if (said.find("sudo: not found") != std::string::npos ||
        said.find("sudo: command not found") != std::string::npos) {
        return fmt::format("{}: sudo is not installed there ({}): install it, or log in as a "
                           "user that may write the Nix store, without --sudo",
                           destination, said);
    }
    if (said.starts_with("sudo: ")) {
        return fmt::format("{}: sudo refused '{}': {}: check {}'s sudoers rules there", destination,
                           channel_->command(), said, user);
    }
    return {};
}

std::string RemoteStore::login_output() {
    try {
        // `true` prints nothing: all there is comes from the login itself.
        auto printed = ssh::run_remote(*session_, "true").output;
        constexpr std::size_t shown = 200;
        if (printed.size() > shown) {
            printed = printed.substr(0, shown) + "...";
        }
        while (!printed.empty() && (printed.back() == '\n' || printed.back() == '\r')) {
            printed.pop_back();
        }
        return printed;
    } catch (const std::exception& e) {
        spdlog::debug("{}: cannot run `true` there: {}", session_->destination(), e.what());
        return {};
    }
}

} // namespace shoal::fleet
