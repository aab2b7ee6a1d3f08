#include "io/line_reader.hpp"
#include "support/memory_streams.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using shoal::io::LineReader;
using shoal::io::LineTooLong;
using shoal::test::StringSink;
using shoal::test::StringSource;

TEST_CASE("lines split across reads come out whole") {
    for (std::size_t step : {1, 2, 5, 100}) {
        StringSource source("one\ntwo\n\nthree\n", step);
        LineReader lines(source, "the peer", 100);
        CHECK(lines.next() == "one");
        CHECK(lines.next() == "two");
        CHECK(lines.next() == "");
        CHECK(lines.next() == "three");
        CHECK_FALSE(lines.next().has_value());
    }
}

TEST_CASE("a stream cut mid-line is an error, not a line") {
    StringSource source("whole\nhal", 3);
    LineReader lines(source, "the peer", 100);
    CHECK(lines.next() == "whole");
    CHECK_THROWS_AS(lines.next(), shoal::io::EndOfStream);
}

TEST_CASE("an endless line is refused naming the peer, without reading on") {
    StringSource source(std::string(100 * 1024, 'x'), 7);
    LineReader lines(source, "the agent on web-01", 10);
    CHECK_THROWS_WITH_AS(lines.next(),
                         "the agent on web-01 sent a line longer than 10 bytes, the most allowed",
                         LineTooLong);
    // It stopped at the first read past the limit.
    CHECK(source.remaining() == 100 * 1024 - 14);
}

TEST_CASE("a line is refused by its length even when its newline came with it") {
    for (std::size_t step : {1, 1000}) {
        CAPTURE(step);
        StringSource source("exactly10!\n" + std::string(11, 'y') + "\nafter\n", step);
        LineReader lines(source, "the agent", 10);
        CHECK(lines.next() == "exactly10!");
        CHECK_THROWS_WITH_AS(lines.next(),
                             "the agent sent a line longer than 10 bytes, the most allowed",
                             LineTooLong);
    }
}
