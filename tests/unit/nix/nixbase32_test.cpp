#include "nix/nixbase32.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace nix = shoal::nix;

namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        bytes.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return bytes;
}

} // namespace

// Expected values from `nix-hash --to-base32` (Nix 2.8).
TEST_CASE("nixbase32 matches Nix on known hashes") {
    const std::pair<std::string_view, std::string_view> known[] = {
        {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"},
        {"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
         "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"},
        {"a9993e364706816aba3e25717850c26c9cd0d89d", "kpcd173cq987hw957sx6m0868wv3x6d9"},
        {"900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch"},
        {"ffffffffffffffffffffffffffffffff", "7zzzzzzzzzzzzzzzzzzzzzzzzz"},
        {"00000000000000000000000000000001", "01000000000000000000000000"},
    };
    for (const auto& [hex, text] : known) {
        CAPTURE(hex);
        const auto bytes = from_hex(hex);
        CHECK(nix::nixbase32::encode(bytes) == text);
        CHECK(nix::nixbase32::decode(text) == bytes);
    }
}

TEST_CASE("nixbase32 round-trips every length") {
    std::vector<std::uint8_t> bytes;
    for (std::size_t length = 0; length <= 40; ++length) {
        CAPTURE(length);
        CHECK(nix::nixbase32::decode(nix::nixbase32::encode(bytes)) == bytes);
        bytes.push_back(static_cast<std::uint8_t>(length * 37 + 11));
    }
}

TEST_CASE("nixbase32 refuses bad text") {
    CHECK_THROWS_WITH(nix::nixbase32::decode("0mdqa9w1e"),
                      "invalid character 'e' in base-32 text '0mdqa9w1e'");
    // 26 characters carry 130 bits: the two above 128 must be zero.
    CHECK_THROWS_WITH(nix::nixbase32::decode("80000000000000000000000000"),
                      "base-32 text '80000000000000000000000000' has bits beyond its length");
}
