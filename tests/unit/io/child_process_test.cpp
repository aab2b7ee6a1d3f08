#include "io/child_process.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <pthread.h>
#include <string>

using shoal::io::ChildProcess;

TEST_CASE("a child echoes stdin to stdout and keeps stderr apart") {
    ChildProcess child({"sh", "-c", "echo oops >&2; cat"});
    child.input().write(std::string_view("hello"));
    child.close_input();
    std::string out(5, '\0');
    child.output().read_exact(out);
    CHECK(out == "hello");
    CHECK(child.wait() == 0);
    CHECK(child.error_output() == "oops");
}

TEST_CASE("exit codes and extra environment reach the caller") {
    ChildProcess child({"sh", "-c", "echo \"$SHOAL_TEST_VALUE\" >&2; exit 3"},
                       {"SHOAL_TEST_VALUE=42"});
    CHECK(child.wait() == 3);
    CHECK(child.error_output() == "42");
}

TEST_CASE("a missing program is reported with its name") {
    CHECK_THROWS_WITH_AS(ChildProcess({"shoal-no-such-program"}),
                         doctest::Contains("shoal-no-such-program"), shoal::util::Error);
}

TEST_CASE("the destructor ends a child that ignores closed stdin") {
    ChildProcess child({"sleep", "1"});
    // Leaving scope must not hang for long nor leave a zombie behind.
}

TEST_CASE("a child starts with no blocked signals, whatever its parent blocks") {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &term, &previous);
    ChildProcess child({"sh", "-c", "grep SigBlk /proc/self/status"});
    std::string out(256, '\0');
    out.resize(child.output().read_some(out));
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    CHECK(child.wait() == 0);
    CHECK(out == "SigBlk:\t0000000000000000\n");
}
