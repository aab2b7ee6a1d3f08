// Staged .nar.zst files: ZstdSource either decompresses one whole frame, as
// long as the header said when it said, or throws util::Error. The input is
// the file. Output is capped: a tiny frame may claim terabytes.
#include "fuzz_check.hpp"
#include "io/zstd_stream.hpp"
#include "support/memory_streams.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using shoal::fuzz::require;
namespace io = shoal::io;
namespace test = shoal::test;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr std::uint64_t output_cap = 16 << 20;
    test::StringSource file(std::string(reinterpret_cast<const char*>(data), size), 4096);
    try {
        io::ZstdSource source(file, "fuzz.nar.zst");
        std::string buffer(65536, '\0');
        std::uint64_t total = 0;
        while (const auto count = source.read_some(buffer)) {
            require(count <= buffer.size(), "read_some stays within the buffer");
            total += count;
            if (total > output_cap) {
                return 0;
            }
        }
        require(!source.content_size() || *source.content_size() == total,
                "a whole frame has the size its header declares");
    } catch (const shoal::util::Error&) {
    }
    return 0;
}
