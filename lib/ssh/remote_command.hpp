#pragma once

#include "ssh/session.hpp"

#include <string>
#include <string_view>

namespace shoal::ssh {

// How a short remote command ended, with what it printed.
struct CommandResult {
    int exit_status = 0; // 128 + N when signal N killed it
    std::string output;  // stdout, at most the last 64 KiB
    std::string error;   // stderr, trimmed, at most the last 64 KiB

    bool ok() const { return exit_status == 0; }
    // stderr, else stdout, else "exit status N": what to quote in a message.
    std::string reason() const;
};

// Runs `command` (a POSIX shell command line) on its own channel of `session`,
// feeds it `input`, and waits for it to end. Throws util::Error only when the
// connection fails; a command that fails is in the result.
CommandResult run_remote(Session& session, const std::string& command, std::string_view input = {});

} // namespace shoal::ssh
