// The agent's non-blocking line reader on real descriptors: pipes, and a
// file for input larger than a pipe holds.
#include "agent/line_reader.hpp"
#include "agent/protocol_error.hpp"
#include "io/wakeup.hpp"
#include "support/temporary_directory.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using shoal::agent::LineReader;
using shoal::agent::ProtocolError;

namespace {

// A pipe whose write end closes once `text` is in it, as when the
// controller hangs up.
struct FilledPipe {
    explicit FilledPipe(const std::string& text) {
        REQUIRE(::pipe(fds) == 0);
        REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fds[1]);
    }
    ~FilledPipe() { ::close(fds[0]); }
    int read_end() const { return fds[0]; }
    int fds[2] = {-1, -1};
};

} // namespace

TEST_CASE("lines come out whole, then the unterminated rest at the end") {
    FilledPipe input("one\n\ntwo\nrest");
    LineReader lines(input.read_end(), 100);
    CHECK(lines.next_line() == "one");
    CHECK(lines.next_line() == "");
    CHECK(lines.next_line() == "two");
    CHECK(lines.next_line() == "rest");
    CHECK_FALSE(lines.next_line().has_value());
    CHECK(lines.at_end());
}

TEST_CASE("a line longer than the limit is refused even when its newline came with it") {
    FilledPipe input("exactly10!\n" + std::string(11, 'x') + "\n");
    LineReader lines(input.read_end(), 10);
    CHECK(lines.next_line() == "exactly10!");
    CHECK_THROWS_WITH_AS(lines.next_line(),
                         "the controller sent a line longer than 10 bytes, the most allowed",
                         ProtocolError);
}

TEST_CASE("an endless line is refused within one read of the limit") {
    TemporaryDirectory directory;
    const auto path = directory.path() / "input";
    constexpr std::size_t size = 8 * 1024 * 1024;
    {
        const int out = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
        REQUIRE(out >= 0);
        const std::string text(size, 'x');
        REQUIRE(::write(out, text.data(), size) == static_cast<ssize_t>(size));
        ::close(out);
    }
    const int in = ::open(path.c_str(), O_RDONLY);
    REQUIRE(in >= 0);
    LineReader lines(in, 1024 * 1024);
    CHECK_THROWS_WITH_AS(lines.next_line(),
                         "the controller sent a line longer than 1048576 bytes, the most allowed",
                         ProtocolError);
    // What it read, and so buffered, is the limit and at most one read more.
    CHECK(::lseek(in, 0, SEEK_CUR) <= 1024 * 1024 + 64 * 1024);
    ::close(in);
}

TEST_CASE("waiting ends as soon as one of the other descriptors is readable") {
    int quiet[2] = {-1, -1}; // open and empty: no input, no end
    REQUIRE(::pipe(quiet) == 0);
    LineReader lines(quiet[0], 100);
    shoal::io::Wakeup silent;
    shoal::io::Wakeup other;
    other.notify();
    const auto start = std::chrono::steady_clock::now();
    lines.wait(std::chrono::seconds(30), {silent.fd(), other.fd()});
    // Far below the 30 s it would otherwise wait, on any machine.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK_FALSE(lines.next_line().has_value());
    CHECK_FALSE(lines.at_end());
    ::close(quiet[0]);
    ::close(quiet[1]);
}
