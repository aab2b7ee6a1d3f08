#include "inventory/bandwidth.hpp"
#include "inventory/invalid_value.hpp"

#include <doctest/doctest.h>

using shoal::inventory::InvalidValue;
using shoal::inventory::parse_bandwidth;

TEST_CASE("bit units step by 1000 and ignore case") {
    CHECK(parse_bandwidth("800bit") == 800);
    CHECK(parse_bandwidth("64kbit") == 64'000);
    CHECK(parse_bandwidth("100mbit") == 100'000'000);
    CHECK(parse_bandwidth("100Mbit") == 100'000'000);
    CHECK(parse_bandwidth("1gbit") == 1'000'000'000);
    CHECK(parse_bandwidth("1GBIT") == 1'000'000'000);
    CHECK(parse_bandwidth("2tbit") == 2'000'000'000'000);
}

TEST_CASE("byte units are written as given and count 8 bits per byte") {
    CHECK(parse_bandwidth("1k") == 8'000);
    CHECK(parse_bandwidth("1K") == 8'000);
    CHECK(parse_bandwidth("125M") == 1'000'000'000);
    CHECK(parse_bandwidth("1G") == 8'000'000'000);
    CHECK(parse_bandwidth("1T") == 8'000'000'000'000);
}

TEST_CASE("fractions, a space and a /s suffix are accepted") {
    CHECK(parse_bandwidth("2.5gbit") == 2'500'000'000);
    CHECK(parse_bandwidth("0.5M") == 4'000'000);
    CHECK(parse_bandwidth("1 Gbit/s") == 1'000'000'000);
    CHECK(parse_bandwidth("1.5bit") == 1); // rounded down to whole bits
}

TEST_CASE("the largest value that fits is accepted, one more is not") {
    CHECK(parse_bandwidth("18446744073709551615bit") == 18'446'744'073'709'551'615ULL);
    CHECK_THROWS_WITH_AS(parse_bandwidth("18446744073709551616bit"),
                         "bandwidth '18446744073709551616bit' is too large", InvalidValue);
    CHECK_THROWS_WITH_AS(parse_bandwidth("2306000000T"), "bandwidth '2306000000T' is too large",
                         InvalidValue);
}

TEST_CASE("zero, negatives, missing or unknown units and other text are refused") {
    const std::string units = "bit, kbit, mbit, gbit, tbit (bits) or k, M, G, T (bytes)";
    CHECK_THROWS_WITH_AS(parse_bandwidth("0gbit"), "bandwidth '0gbit' is zero", InvalidValue);
    CHECK_THROWS_WITH_AS(parse_bandwidth("0.0000001kbit"), "bandwidth '0.0000001kbit' is zero",
                         InvalidValue);
    CHECK_THROWS_WITH_AS(parse_bandwidth("-1gbit"), "bandwidth '-1gbit' is negative", InvalidValue);
    CHECK_THROWS_WITH_AS(parse_bandwidth("1000"),
                         ("bandwidth '1000' has no unit; use " + units).c_str(), InvalidValue);
    CHECK_THROWS_WITH_AS(parse_bandwidth("10m"),
                         ("bandwidth '10m' has unknown unit 'm'; use " + units).c_str(),
                         InvalidValue);
    CHECK_THROWS_AS(parse_bandwidth("10mb"), InvalidValue);
    CHECK_THROWS_AS(parse_bandwidth("1 gbit extra"), InvalidValue);
    CHECK_THROWS_AS(parse_bandwidth("fast"), InvalidValue);
    CHECK_THROWS_AS(parse_bandwidth(""), InvalidValue);
    CHECK_THROWS_AS(parse_bandwidth("1.2.3gbit"), InvalidValue);
    CHECK_THROWS_WITH_AS(parse_bandwidth("1.0000000001gbit"),
                         "bandwidth '1.0000000001gbit' has more than 9 decimals", InvalidValue);
}
