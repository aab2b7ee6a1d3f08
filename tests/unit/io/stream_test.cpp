#include "io/stream.hpp"
#include "support/memory_streams.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>

using shoal::test::StringSink;
using shoal::test::StringSource;

TEST_CASE("read_exact gathers short reads") {
    StringSource source("abcdefgh", 3);
    std::string buffer(8, '\0');
    source.read_exact(buffer);
    CHECK(buffer == "abcdefgh");
}

TEST_CASE("read_exact reports how much was missing") {
    StringSource source("abc", 2);
    std::string buffer(5, '\0');
    CHECK_THROWS_WITH_AS(source.read_exact(buffer), "stream ended after 3 of 5 expected bytes",
                         shoal::io::EndOfStream);
}

TEST_CASE("copy_exact copies exactly the count and leaves the rest") {
    StringSource source("0123456789", 4);
    StringSink sink;
    shoal::io::copy_exact(source, sink, 6);
    CHECK(sink.text == "012345");
    std::string rest(4, '\0');
    source.read_exact(rest);
    CHECK(rest == "6789");
    CHECK_THROWS_AS(shoal::io::copy_exact(source, sink, 1), shoal::io::EndOfStream);
}
