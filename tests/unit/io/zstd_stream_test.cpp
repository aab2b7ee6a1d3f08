#include "io/zstd_stream.hpp"
#include "support/memory_streams.hpp"

#include <doctest/doctest.h>
#include <random>
#include <string>

using shoal::io::ZstdSink;
using shoal::io::ZstdSource;
using shoal::test::StringSink;
using shoal::test::StringSource;

namespace {

std::string compress(const std::string& text, std::size_t write_step = 1 << 20) {
    StringSink out;
    ZstdSink zstd(out, text.size());
    for (std::size_t at = 0; at < text.size(); at += write_step) {
        zstd.write(std::string_view(text).substr(at, write_step));
    }
    zstd.finish();
    return out.text;
}

std::string decompress_all(ZstdSource& source, std::size_t read_size = 4096) {
    std::string result;
    std::string buffer(read_size, '\0');
    while (const auto count = source.read_some(buffer)) {
        result.append(buffer, 0, count);
    }
    return result;
}

std::string random_bytes(std::size_t count, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(count, '\0');
    for (auto& byte : bytes) {
        byte = static_cast<char>(random());
    }
    return bytes;
}

// Text that compresses like a store path's documentation.
std::string repetitive_text(std::size_t count) {
    std::string text;
    for (std::size_t line = 0; text.size() < count; ++line) {
        text += "line " + std::to_string(line % 97) + " of a manual page about shoal\n";
    }
    text.resize(count);
    return text;
}

} // namespace

TEST_CASE("a NAR survives compression and decompression, whatever the read and write sizes") {
    for (const auto& original :
         {std::string(), std::string("x"), repetitive_text(3'000'000), random_bytes(700'000, 7)}) {
        CAPTURE(original.size());
        const auto compressed = compress(original, 65'537);
        StringSource in(compressed, 1'000);
        ZstdSource source(in, "x.nar.zst");
        CHECK(source.content_size() == original.size());
        CHECK(decompress_all(source, 777) == original);
    }
}

TEST_CASE("compressible NARs shrink; random ones barely grow") {
    CHECK(compress(repetitive_text(1'000'000)).size() < 100'000);
    CHECK(compress(random_bytes(1'000'000, 3)).size() < 1'000'000 + 1'000);
}

TEST_CASE("the sink refuses more or less input than the frame declared") {
    StringSink out;
    ZstdSink zstd(out, 10);
    zstd.write(std::string_view("12345"));
    CHECK_THROWS_AS(zstd.finish(), shoal::util::Error);
}

namespace {

// The error that decompressing `input` as "a.nar.zst" ends with; empty if none.
std::string decompress_error(const std::string& input) {
    try {
        StringSource in(input);
        ZstdSource source(in, "a.nar.zst");
        decompress_all(source);
    } catch (const shoal::util::Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("damaged input fails naming the file, never returns wrong data silently") {
    const auto compressed = compress(repetitive_text(500'000));
    const std::string prefix = "cannot decompress a.nar.zst: ";
    CHECK(decompress_error(compressed).empty());
    CHECK(decompress_error(compressed.substr(0, compressed.size() / 2)) ==
          prefix + "it ends inside its zstd frame (truncated)");
    CHECK(decompress_error(compressed + "junk") ==
          prefix + "there is data after the end of its zstd frame");
    CHECK(decompress_error("nix-archive-1 and so on") ==
          prefix + "it does not start with a zstd frame");
    CHECK(decompress_error("") == prefix + "it is empty");
    // A legacy (v0.6) frame, which libzstd decodes without checking its declared size.
    CHECK(decompress_error(std::string("\x26\xb5\x2f\xfd\x84\x0e\xa1\xe8\x4f\x94", 10)) ==
          prefix + "it does not start with a zstd frame");
    auto damaged = compressed;
    for (std::size_t at = 100; at < damaged.size() - 10; at += 50) {
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    }
    CHECK(decompress_error(damaged).starts_with(prefix));
}
