#include "io/child_process.hpp"

#include "io/fibers.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace shoal::io {
namespace {

constexpr std::size_t max_stderr_bytes = 64 * 1024;

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto name = text.substr(0, text.find('=') + 1);
        bool overridden = false;
        for (const auto& e : extra) {
            overridden = overridden || e.starts_with(name);
        }
        if (!overridden) {
            env.emplace_back(text);
        }
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (auto& s : strings) {
        result.push_back(s.data());
    }
    result.push_back(nullptr);
    return result;
}

// posix_spawn file actions, released however we leave the constructor.
class SpawnActions {
public:
    SpawnActions() { posix_spawn_file_actions_init(&actions_); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

private:
    posix_spawn_file_actions_t actions_;
};

// Spawn attributes, released however we leave the constructor. The child
// starts with no blocked signals and default dispositions for the ones we
// block or ignore (SIGPIPE, termination signals): it is a program of its own.
class SpawnAttributes {
public:
    SpawnAttributes() {
        posix_spawnattr_init(&attributes_);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attributes_, &none);
        sigset_t defaults;
        sigemptyset(&defaults);
        for (const int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
            sigaddset(&defaults, signal);
        }
        posix_spawnattr_setsigdefault(&attributes_, &defaults);
        posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~SpawnAttributes() { posix_spawnattr_destroy(&attributes_); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    posix_spawnattr_t* get() { return &attributes_; }

private:
    posix_spawnattr_t attributes_;
};

} // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env) {
    for (const auto& arg : argv) {
        command_line_ += (command_line_.empty() ? "" : " ") + arg;
    }
    Pipe in = make_pipe();
    Pipe out = make_pipe();
    // A file, not a pipe: nobody has to drain it while the child runs.
    stderr_file_.reset(::memfd_create("child-stderr", MFD_CLOEXEC));
    if (!stderr_file_) {
        util::throw_errno(fmt::format("memfd_create for the stderr of '{}'", command_line_));
    }

    SpawnActions actions;
    posix_spawn_file_actions_adddup2(actions.get(), in.read_end.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(actions.get(), out.write_end.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(actions.get(), stderr_file_.get(), STDERR_FILENO);
    // Libraries such as libtorrent open descriptors without O_CLOEXEC; the child gets none of them.
    posix_spawn_file_actions_addclosefrom_np(actions.get(), 3);

    SpawnAttributes attributes;
    auto env = merged_environment(extra_env);
    auto c_argv = c_strings(argv);
    auto c_env = c_strings(env);
    const int rc = posix_spawnp(&pid_, c_argv[0], actions.get(), attributes.get(), c_argv.data(),
                                c_env.data());
    if (rc != 0) {
        throw util::SystemError(fmt::format("cannot start '{}'", command_line_), rc);
    }
    stdin_fd_ = std::move(in.write_end);
    stdout_fd_ = std::move(out.read_end);
    stdin_sink_ = std::make_unique<FdSink>(stdin_fd_.get());
    stdout_source_ = std::make_unique<FdSource>(stdout_fd_.get());
}

ChildProcess::~ChildProcess() {
    close_input();
    if (exit_code_ < 0) {
        using namespace std::chrono;
        const auto deadline = steady_clock::now() + seconds(5);
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            pause_for(milliseconds(10)); // on a fiber, the others go on
        }
    }
    stdout_fd_.reset();
}

void ChildProcess::close_input() {
    if (stdin_sink_) {
        try {
            stdin_sink_->flush();
        } catch (const util::Error& e) {
            spdlog::debug("{}: input not flushed: {}", command_line_, e.what());
        }
        stdin_sink_.reset();
    }
    stdin_fd_.reset();
}

int ChildProcess::wait() {
    if (exit_code_ >= 0) {
        return exit_code_;
    }
    close_input();
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
        if (errno != EINTR) {
            util::throw_errno("waitpid");
        }
    }
    return record_exit(status);
}

std::optional<int> ChildProcess::exit_code_if_ended() {
    if (exit_code_ >= 0) {
        return exit_code_;
    }
    int status = 0;
    const pid_t ended = ::waitpid(pid_, &status, WNOHANG);
    if (ended < 0 && errno != EINTR) {
        util::throw_errno("waitpid");
    }
    if (ended <= 0) {
        return std::nullopt;
    }
    return record_exit(status);
}

int ChildProcess::record_exit(int status) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
}

std::string ChildProcess::error_output() const {
    struct stat file {};
    if (::fstat(stderr_file_.get(), &file) != 0) {
        return {};
    }
    const auto size = static_cast<std::size_t>(file.st_size);
    std::string text(std::min(size, max_stderr_bytes), '\0');
    const auto from = static_cast<off_t>(size - text.size());
    const ssize_t n = ::pread(stderr_file_.get(), text.data(), text.size(), from);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    const auto first = text.find_first_not_of(" \n\r\t");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \n\r\t");
    return text.substr(first, last - first + 1);
}

} // namespace shoal::io
