#include "ssh/openssh_arguments.hpp"

#include "util/shell_quote.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace shoal::ssh {
namespace {

long whole_seconds(std::chrono::milliseconds duration) {
    return std::max<long>(1, static_cast<long>((duration.count() + 999) / 1000));
}

// An ssh_config value: quoted when it holds blanks, as ssh_config reads it.
std::string config_value(const std::string& text) {
    return text.find_first_of(" \t\"") == std::string::npos ? text : "\"" + text + "\"";
}

// ssh expands %-tokens in a ProxyCommand once: a command nested in another's
// must survive one expansion per level.
std::string escape_percent(const std::string& text) {
    std::string result;
    for (const char c : text) {
        result += c == '%' ? "%%" : std::string(1, c);
    }
    return result;
}

std::string proxy_command(const ConnectOptions& options, std::size_t hops);

// Everything but the program, the mode and the destination: how to log in to
// `options` reached through the first `hops` of options.jump.
std::vector<std::string> login_arguments(const ConnectOptions& options, std::size_t hops) {
    std::vector<std::string> args{"-o", "BatchMode=yes", "-p", std::to_string(options.port),
                                  "-l", options.user};
    const auto option = [&](const std::string& name, const std::string& value) {
        args.insert(args.end(), {"-o", name + "=" + value});
    };
    option("ConnectTimeout", std::to_string(whole_seconds(options.connect_timeout)));
    // OpenSSH gives up after ServerAliveCountMax unanswered keepalives.
    constexpr long keepalives = 3;
    option("ServerAliveInterval",
           std::to_string(std::max<long>(1, whole_seconds(options.io_timeout) / keepalives)));
    option("ServerAliveCountMax", std::to_string(keepalives));
    for (const auto& identity : options.identities) {
        args.insert(args.end(), {"-i", identity.string()});
    }
    if (options.identities_only) {
        option("IdentitiesOnly", "yes");
    }
    if (!options.known_hosts.empty()) {
        option("UserKnownHostsFile", config_value(options.known_hosts.string()));
    }
    option("StrictHostKeyChecking", options.accept_new_host_keys ? "accept-new" : "yes");
    if (options.compress) {
        option("Compression", "yes"); // otherwise whatever the user's ssh_config says
    }
    if (hops > 0) {
        option("ProxyCommand", proxy_command(options, hops));
    }
    if (!options.config_file.empty()) {
        args.insert(args.end(), {"-F", options.config_file.string()});
    }
    if (!options.config_name.empty() && options.config_name != options.address) {
        option("HostName", options.address);
    }
    return args;
}

std::string destination_argument(const ConnectOptions& options) {
    return options.config_name.empty() ? options.address : options.config_name;
}

// `ssh -W %h:%p` through the first `hops` bastions: the last of them
// forwards our connection to the next hop (or the host).
std::string proxy_command(const ConnectOptions& options, std::size_t hops) {
    // The last of them, itself reached through the ones before.
    ConnectOptions bastion = options.jump[hops - 1];
    bastion.jump.assign(options.jump.begin(),
                        options.jump.begin() + static_cast<std::ptrdiff_t>(hops - 1));
    std::vector<std::string> args{options.ssh_program};
    const auto login = login_arguments(bastion, hops - 1);
    args.insert(args.end(), login.begin(), login.end());
    args.insert(args.end(), {"-W", "%h:%p", "--", destination_argument(bastion)});
    std::string command;
    for (const auto& arg : args) {
        // An inner ProxyCommand is expanded by this one's ssh first.
        command += (command.empty() ? "" : " ") +
                   util::shell_word(arg.starts_with("ProxyCommand=") ? escape_percent(arg) : arg);
    }
    return command;
}

} // namespace

std::vector<std::string> openssh_master_arguments(const ConnectOptions& options,
                                                  const std::filesystem::path& control_path) {
    std::vector<std::string> args{
        options.ssh_program, "-M", "-N", "-n", "-S", control_path.string(), "-o",
        "ControlPersist=no"};
    const auto login = login_arguments(options, options.jump.size());
    args.insert(args.end(), login.begin(), login.end());
    args.insert(args.end(), {"--", destination_argument(options)});
    return args;
}

std::vector<std::string> openssh_command_arguments(const ConnectOptions& options,
                                                   const std::filesystem::path& control_path,
                                                   const std::string& command) {
    std::vector<std::string> args{options.ssh_program,   "-T", "-S",
                                  control_path.string(), "-o", "ControlMaster=no"};
    const auto login = login_arguments(options, options.jump.size());
    args.insert(args.end(), login.begin(), login.end());
    args.insert(args.end(), {"--", destination_argument(options), command});
    return args;
}

std::vector<std::string> openssh_forward_arguments(const ConnectOptions& options,
                                                   const std::filesystem::path& control_path,
                                                   const std::string& address, std::uint16_t port) {
    const auto host = address.find(':') == std::string::npos ? address : "[" + address + "]";
    return {options.ssh_program,
            "-S",
            control_path.string(),
            "-O",
            "forward",
            "-R",
            fmt::format("127.0.0.1:0:{}:{}", host, port),
            "--",
            destination_argument(options)};
}

} // namespace shoal::ssh
