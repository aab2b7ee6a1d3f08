// NARs: NarReader either copies a well-formed NAR, byte for byte, and stops
// at its end, or throws NarError. The input is the raw NAR (`nix-store --dump`).
#include "fuzz_check.hpp"
#include "nix/nar_reader.hpp"
#include "support/memory_streams.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using shoal::fuzz::require;
namespace nix = shoal::nix;
namespace test = shoal::test;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    test::StringSource source(input);
    test::StringSink copied;
    nix::NarReader reader(source, copied, nix::NarReader::Hashing::sha256);
    try {
        const auto nar_size = reader.copy();
        require(nar_size == copied.text.size(), "copy() returns the bytes copied");
        require(input.compare(0, copied.text.size(), copied.text) == 0, "the copy is the input");
        require(reader.nar_hash().starts_with("sha256:"), "a NAR hash after a copy");
    } catch (const nix::NarError&) {
    }
    return 0;
}
