#include "nix/wire.hpp"
#include "support/memory_streams.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using shoal::nix::WireError;
using shoal::test::StringSink;
using shoal::test::StringSource;
namespace nix = shoal::nix;

TEST_CASE("integers are 8 bytes little-endian") {
    StringSink sink;
    nix::write_u64(sink, 0x0102030405060708);
    CHECK(sink.text == std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
    StringSource source(sink.text, 3);
    CHECK(nix::read_u64(source, "number") == 0x0102030405060708);
}

TEST_CASE("strings of every padding length round-trip") {
    for (std::size_t length = 0; length <= 17; ++length) {
        CAPTURE(length);
        const std::string text(length, 'x');
        StringSink sink;
        nix::write_string(sink, text);
        const std::size_t padded = (length + 7) / 8 * 8;
        REQUIRE(sink.text.size() == 8 + padded);
        CHECK(sink.text.substr(8 + length) == std::string(padded - length, '\0'));
        StringSource source(sink.text, 5);
        CHECK(nix::read_string(source, 17, "text") == text);
        CHECK(source.remaining() == 0);
    }
}

TEST_CASE("string lists keep order and count") {
    const std::vector<std::string> texts{"", "a", "/nix/store/x", "twelve bytes"};
    StringSink sink;
    nix::write_strings(sink, texts);
    StringSource source(sink.text);
    CHECK(nix::read_strings(source, 10, 100, "texts") == texts);
    CHECK(source.remaining() == 0);
}

TEST_CASE("booleans are 0 or 1") {
    StringSink sink;
    nix::write_u64(sink, 1);
    nix::write_u64(sink, 2);
    StringSource source(sink.text);
    CHECK(nix::read_bool(source, "flag"));
    CHECK_THROWS_WITH_AS(nix::read_bool(source, "flag"), "expected 0 or 1 for flag, got 2",
                         WireError);
}

TEST_CASE("malformed input is refused with what was being read") {
    SUBCASE("non-zero padding") {
        StringSink sink;
        nix::write_string(sink, "abc");
        sink.text[12] = 'z';
        StringSource source(sink.text);
        CHECK_THROWS_WITH_AS(nix::read_string(source, 100, "name"), "non-zero padding after name",
                             WireError);
    }
    SUBCASE("absurd length") {
        StringSink sink;
        nix::write_u64(sink, 0xffffffffffffffff);
        StringSource source(sink.text);
        CHECK_THROWS_WITH_AS(nix::read_string(source, 4096, "path"),
                             "path is 18446744073709551615 bytes long, more than the 4096 allowed",
                             WireError);
    }
    SUBCASE("absurd count") {
        StringSink sink;
        nix::write_u64(sink, 1000);
        StringSource source(sink.text);
        CHECK_THROWS_WITH_AS(nix::read_strings(source, 10, 100, "paths"),
                             "1000 paths announced, more than the 10 allowed", WireError);
    }
    SUBCASE("truncated at every byte") {
        StringSink sink;
        nix::write_strings(sink, std::vector<std::string>{"hello", "world!!!!"});
        for (std::size_t cut = 0; cut < sink.text.size(); ++cut) {
            CAPTURE(cut);
            StringSource source(sink.text.substr(0, cut));
            CHECK_THROWS_AS(nix::read_strings(source, 10, 100, "words"), WireError);
        }
    }
    SUBCASE("truncated integer names the field") {
        StringSource source("abc");
        CHECK_THROWS_WITH_AS(nix::read_u64(source, "NAR size"),
                             "truncated input while reading NAR size: stream ended after 3 of 8 "
                             "expected bytes",
                             WireError);
    }
    SUBCASE("truncated padding") {
        StringSink sink;
        nix::write_string(sink, "abc");
        StringSource source(sink.text.substr(0, 12));
        CHECK_THROWS_WITH_AS(nix::read_string(source, 100, "name"),
                             doctest::Contains("while reading padding of name"), WireError);
    }
}
