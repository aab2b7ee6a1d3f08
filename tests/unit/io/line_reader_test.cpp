#include "io/line_reader.hpp"
#include "support/memory_streams.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using shoal::test::StringSink;
using shoal::test::StringSource;

TEST_CASE("lines split across reads come out whole") {
    for (std::size_t step : {1, 2, 5, 100}) {
        StringSource source("one\ntwo\n\nthree\n", step);
        shoal::io::LineReader lines(source);
        CHECK(lines.next() == "one");
        CHECK(lines.next() == "two");
        CHECK(lines.next() == "");
        CHECK(lines.next() == "three");
        CHECK_FALSE(lines.next().has_value());
    }
}

TEST_CASE("a stream cut mid-line is an error, not a line") {
    StringSource source("whole\nhal", 3);
    shoal::io::LineReader lines(source);
    CHECK(lines.next() == "whole");
    CHECK_THROWS_AS(lines.next(), shoal::io::EndOfStream);
}

TEST_CASE("an endless line is refused") {
    StringSource source(std::string(100, 'x'), 7);
    shoal::io::LineReader lines(source, 10);
    CHECK_THROWS_WITH(lines.next(), doctest::Contains("longer than 10 bytes"));
}
