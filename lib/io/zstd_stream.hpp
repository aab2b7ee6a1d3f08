#pragma once

#include "io/stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::io {

// The level shoal compresses NARs at: zstd's default, several hundred MB/s
// per core, and 2-4x on binaries and text (BENCHMARKS.md, "Compression").
inline constexpr int default_zstd_level = 3;

// Compresses everything written into one zstd frame on `to`. The frame
// records `content_size` (what will be written), so that a reader can check
// it before decompressing; zstd itself refuses a frame whose input differs.
// finish() ends the frame and must be called once all was written.
class ZstdSink : public Sink {
public:
    ZstdSink(Sink& to, std::uint64_t content_size, int level = default_zstd_level);
    ZstdSink(const ZstdSink&) = delete;
    ZstdSink& operator=(const ZstdSink&) = delete;
    ~ZstdSink() override;

    using Sink::write;
    void write(std::span<const char> data) override;
    void finish();

private:
    struct Context;
    void compress(std::span<const char> data, bool end);

    Sink& to_;
    std::unique_ptr<Context> context_;
    std::vector<char> output_;
};

// Decompresses one zstd frame read from `from`. Fails with util::Error naming
// `what` on corrupt input, a frame that holds other than the size it declares,
// a stream that ends inside the frame, or data after it: a NAR is always
// exactly one frame.
class ZstdSource : public Source {
public:
    ZstdSource(Source& from, std::string what);
    ZstdSource(const ZstdSource&) = delete;
    ZstdSource& operator=(const ZstdSource&) = delete;
    ~ZstdSource() override;

    // What the frame's header says it decompresses to; nullopt when it does not say.
    std::optional<std::uint64_t> content_size() const { return content_size_; }

    std::size_t read_some(std::span<char> buffer) override;

private:
    struct Context;
    // Reads more compressed input; false at the end of `from`.
    bool refill();
    [[noreturn]] void fail(const std::string& why) const;

    Source& from_;
    std::string what_;
    std::unique_ptr<Context> context_;
    std::vector<char> input_;
    std::size_t input_begin_ = 0;
    std::size_t input_end_ = 0;
    bool frame_done_ = false;
    std::optional<std::uint64_t> content_size_;
    std::uint64_t produced_ = 0; // decompressed so far, checked against content_size_
};

// One zstd frame holding `data`, its size declared: for a message, where the
// streams above are for files.
std::string zstd_compress(std::string_view data, int level = default_zstd_level);

// What the one frame `frame` holds. Fails with util::Error "<what> <why>" when
// it is not exactly one complete zstd frame that declares its size, or when
// that size is over `max_size` (checked before anything is decompressed).
std::string zstd_decompress(std::string_view frame, std::size_t max_size, std::string_view what);

} // namespace shoal::io
