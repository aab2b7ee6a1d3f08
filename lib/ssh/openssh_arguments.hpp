#pragma once

#include "ssh/connect_options.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace shoal::ssh {

// The command lines of the OpenSSH transport. Every setting shoal resolved
// (user, port, identities, known_hosts, host key policy, timeouts, bastions)
// is on the command line, where it wins over ssh_config; ssh reads its
// configuration for the rest (CertificateFile, ProxyCommand, Match, ...).
// BatchMode: ssh never prompts.

// The control master for options.address: logs in, then serves clients on
// `control_path` until it is told to exit or killed.
std::vector<std::string> openssh_master_arguments(const ConnectOptions& options,
                                                  const std::filesystem::path& control_path);

// One command through the master. The same settings as the master's, so that
// if the control socket is gone ssh logs in the same way by itself.
std::vector<std::string> openssh_command_arguments(const ConnectOptions& options,
                                                   const std::filesystem::path& control_path,
                                                   const std::string& command);

// Asks the master to have the host listen on 127.0.0.1, on a port it picks
// and prints, for connections to address:port here (ssh -O forward -R).
std::vector<std::string> openssh_forward_arguments(const ConnectOptions& options,
                                                   const std::filesystem::path& control_path,
                                                   const std::string& address, std::uint16_t port);

} // namespace shoal::ssh
