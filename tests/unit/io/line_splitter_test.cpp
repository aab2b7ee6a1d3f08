#include "io/line_splitter.hpp"

#include <doctest/doctest.h>
#include <string_view>

using shoal::io::LineSplitter;
using shoal::io::LineTooLong;

namespace {

void feed(LineSplitter& lines, std::string_view text) {
    lines.append(std::span<const char>(text.data(), text.size()));
}

} // namespace

TEST_CASE("lines come out whole, however the bytes arrive") {
    LineSplitter lines("the agent", 100);
    CHECK_FALSE(lines.next().has_value());
    feed(lines, "one\ntw");
    CHECK(lines.next() == "one");
    CHECK_FALSE(lines.next().has_value());
    feed(lines, "o\n\nthree");
    CHECK(lines.next() == "two");
    CHECK(lines.next() == "");
    CHECK_FALSE(lines.next().has_value());
    CHECK(lines.rest() == "three");
    CHECK(lines.take_rest() == "three");
    CHECK(lines.rest().empty());
}

TEST_CASE("an endless line is refused once past the limit, before more is buffered") {
    LineSplitter lines("the agent on web-01", 10);
    feed(lines, "0123456789");
    CHECK_FALSE(lines.next().has_value());
    feed(lines, "abc");
    CHECK_THROWS_WITH_AS(lines.next(),
                         "the agent on web-01 sent a line longer than 10 bytes, the most allowed",
                         LineTooLong);
    CHECK_THROWS_AS(feed(lines, "more"), LineTooLong);
}

TEST_CASE("a long line is refused even when its newline came with it") {
    LineSplitter lines("the agent", 10);
    feed(lines, "exactly10!\n" + std::string(11, 'y') + "\nafter\n");
    CHECK(lines.next() == "exactly10!");
    CHECK_THROWS_AS(lines.next(), LineTooLong);
}
