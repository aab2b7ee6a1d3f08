#pragma once

#include "io/fd.hpp"
#include "io/fd_stream.hpp"

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace shoal::io {

// A child process whose stdin and stdout are ours to speak a protocol over.
// Its stderr goes to an anonymous file of its own (never merged into the
// protocol stream, and no thread to drain a pipe) so that error messages can
// quote it. The destructor closes stdin, gives the
// child a moment to exit, then kills it: no zombie outlives its owner.
class ChildProcess {
public:
    // argv[0] is looked up in PATH. `extra_env` entries ("NAME=value") are
    // added to or override this process's environment.
    explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env = {});
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    Source& output() { return *stdout_source_; }
    Sink& input() { return *stdin_sink_; }
    void close_input();

    // Waits for the exit; returns the exit code, or 128 + signal number.
    int wait();
    // The same if it has exited, without waiting; nothing while it runs.
    std::optional<int> exit_code_if_ended();

    // For an event loop that reads and writes the pipes itself, never
    // through output() and input(), whose buffers it would bypass.
    int output_fd() const { return stdout_fd_.get(); }
    int input_fd() const { return stdin_fd_.get(); }

    // What the child wrote to stderr so far (its last 64 KiB), trimmed.
    std::string error_output() const;

    const std::string& command_line() const { return command_line_; }
    pid_t pid() const { return pid_; }

private:
    int record_exit(int wait_status);

    std::string command_line_;
    pid_t pid_ = -1;
    int exit_code_ = -1;
    UniqueFd stdin_fd_;
    UniqueFd stdout_fd_;
    std::unique_ptr<FdSink> stdin_sink_;
    std::unique_ptr<FdSource> stdout_source_;
    UniqueFd stderr_file_;
};

} // namespace shoal::io
