#include "inventory/invalid_value.hpp"
#include "inventory/range_expansion.hpp"

#include <doctest/doctest.h>

using shoal::inventory::expand_ranges;
using shoal::inventory::InvalidValue;
using Values = std::vector<std::string>;

TEST_CASE("text without a range is its own only value") {
    CHECK(expand_ranges("db-1") == Values{"db-1"});
    CHECK_FALSE(shoal::inventory::has_range("db-1"));
    CHECK(shoal::inventory::has_range("web-[1:2]"));
}

TEST_CASE("a range counts inclusively, without padding when START has no leading zero") {
    CHECK(expand_ranges("web-[8:11]") == Values{"web-8", "web-9", "web-10", "web-11"});
    CHECK(expand_ranges("[3:3]") == Values{"3"});
}

TEST_CASE("a leading zero in START pads every number to START's width") {
    const auto names = expand_ranges("web-[01:16]");
    REQUIRE(names.size() == 16);
    CHECK(names.front() == "web-01");
    CHECK(names[8] == "web-09");
    CHECK(names.back() == "web-16");
    CHECK(expand_ranges("n[098:101]") == Values{"n098", "n099", "n100", "n101"});
    CHECK(expand_ranges("n[0:2]") == Values{"n0", "n1", "n2"});
    CHECK(expand_ranges("n[08:100]").back() == "n100");
}

TEST_CASE("text around and between ranges is kept") {
    CHECK(expand_ranges("10.0.[1:2].5") == Values{"10.0.1.5", "10.0.2.5"});
}

TEST_CASE("several ranges multiply out, the first one outermost") {
    CHECK(expand_ranges("r[1:2]-[1:3]") == Values{"r1-1", "r1-2", "r1-3", "r2-1", "r2-2", "r2-3"});
}

TEST_CASE("malformed ranges are refused with the text named") {
    CHECK_THROWS_WITH_AS(expand_ranges("web-[5:1]"), "range '[5:1]' in 'web-[5:1]' runs backwards",
                         InvalidValue);
    CHECK_THROWS_WITH_AS(expand_ranges("web-[a:c]"),
                         "'[a:c]' in 'web-[a:c]' is not a range; write [START:END] with decimal "
                         "numbers",
                         InvalidValue);
    CHECK_THROWS_AS(expand_ranges("web-[1-3]"), InvalidValue);
    CHECK_THROWS_AS(expand_ranges("web-[:3]"), InvalidValue);
    CHECK_THROWS_AS(expand_ranges("web-[1:-3]"), InvalidValue);
    CHECK_THROWS_WITH_AS(expand_ranges("web-[1:3"), "'[' without ']' in 'web-[1:3'", InvalidValue);
    CHECK_THROWS_WITH_AS(expand_ranges("web-[1[2:3]"), "'[' without ']' in 'web-[1[2:3]'",
                         InvalidValue);
    CHECK_THROWS_WITH_AS(expand_ranges("web-1:3]"), "']' without '[' in 'web-1:3]'", InvalidValue);
    CHECK_THROWS_WITH_AS(expand_ranges("n[1:99999999999999999999]"),
                         "range '[1:99999999999999999999]' in 'n[1:99999999999999999999]' has too "
                         "large a number",
                         InvalidValue);
}

TEST_CASE("huge ranges are refused before any memory is spent") {
    CHECK(expand_ranges("n[1:100000]").size() == 100000);
    CHECK_THROWS_WITH_AS(expand_ranges("n[1:100001]"),
                         "range '[1:100001]' in 'n[1:100001]' has more than 100000 values",
                         InvalidValue);
    CHECK_THROWS_WITH_AS(expand_ranges("n[1:1000]-[1:1000]"),
                         "'n[1:1000]-[1:1000]' expands to more than 100000 values", InvalidValue);
    CHECK_THROWS_AS(expand_ranges("n[0:18446744073709551615]"), InvalidValue);
}
