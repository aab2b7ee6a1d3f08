#include "io/zstd_stream.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <zstd.h>

namespace shoal::io {
namespace {

// A zstd frame as ZstdSink writes it starts with ZSTD_MAGICNUMBER, little-endian.
// (libzstd would also decode legacy formats, which do not check their
// declared size: shoal never writes them.)
constexpr std::string_view frame_magic("\x28\xb5\x2f\xfd", 4);

// The longest frame header zstd writes (ZSTD_FRAMEHEADERSIZE_MAX, which zstd.h
// only shows to static linking): enough input to read the content size.
constexpr std::size_t frame_header_max = 18;

void check(std::size_t result, std::string_view doing) {
    if (ZSTD_isError(result) != 0U) {
        throw util::Error(fmt::format("zstd: {}: {}", doing, ZSTD_getErrorName(result)));
    }
}

} // namespace

struct ZstdSink::Context {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~Context() { ZSTD_freeCCtx(cctx); }
};

ZstdSink::ZstdSink(Sink& to, std::uint64_t content_size, int level)
    : to_(to), context_(std::make_unique<Context>()), output_(ZSTD_CStreamOutSize()) {
    if (context_->cctx == nullptr) {
        throw util::Error("zstd: out of memory for a compression context");
    }
    check(ZSTD_CCtx_setParameter(context_->cctx, ZSTD_c_compressionLevel, level),
          "setting the level");
    check(ZSTD_CCtx_setPledgedSrcSize(context_->cctx, content_size), "setting the content size");
}

ZstdSink::~ZstdSink() = default;

void ZstdSink::write(std::span<const char> data) {
    compress(data, false);
}

void ZstdSink::finish() {
    compress({}, true);
    to_.flush();
}

void ZstdSink::compress(std::span<const char> data, bool end) {
    ZSTD_inBuffer input{data.data(), data.size(), 0};
    for (;;) {
        ZSTD_outBuffer output{output_.data(), output_.size(), 0};
        const std::size_t left = ZSTD_compressStream2(context_->cctx, &output, &input,
                                                      end ? ZSTD_e_end : ZSTD_e_continue);
        check(left, "compressing");
        if (output.pos > 0) {
            to_.write(std::span<const char>(output_.data(), output.pos));
        }
        if (end ? left == 0 : input.pos == input.size) {
            return;
        }
    }
}

struct ZstdSource::Context {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~Context() { ZSTD_freeDCtx(dctx); }
};

ZstdSource::ZstdSource(Source& from, std::string what)
    : from_(from), what_(std::move(what)), context_(std::make_unique<Context>()),
      input_(ZSTD_DStreamInSize()) {
    if (context_->dctx == nullptr) {
        throw util::Error("zstd: out of memory for a decompression context");
    }
    while (input_end_ < frame_header_max && refill()) {
    }
    const std::string_view start(input_.data(), input_end_);
    const unsigned long long size = ZSTD_getFrameContentSize(input_.data(), input_end_);
    if (size == ZSTD_CONTENTSIZE_ERROR || !start.starts_with(frame_magic)) {
        fail(input_end_ == 0 ? "it is empty" : "it does not start with a zstd frame");
    }
    if (size != ZSTD_CONTENTSIZE_UNKNOWN) {
        content_size_ = size;
    }
}

ZstdSource::~ZstdSource() = default;

void ZstdSource::fail(const std::string& why) const {
    throw util::Error(fmt::format("cannot decompress {}: {}", what_, why));
}

bool ZstdSource::refill() {
    std::memmove(input_.data(), input_.data() + input_begin_, input_end_ - input_begin_);
    input_end_ -= input_begin_;
    input_begin_ = 0;
    const std::size_t count =
        from_.read_some(std::span<char>(input_.data() + input_end_, input_.size() - input_end_));
    input_end_ += count;
    return count > 0;
}

std::size_t ZstdSource::read_some(std::span<char> buffer) {
    if (buffer.empty()) {
        return 0;
    }
    for (;;) {
        if (frame_done_) {
            if (input_begin_ < input_end_ || refill()) {
                fail("there is data after the end of its zstd frame");
            }
            return 0;
        }
        if (input_begin_ == input_end_ && !refill()) {
            fail("it ends inside its zstd frame (truncated)");
        }
        ZSTD_inBuffer input{input_.data(), input_end_, input_begin_};
        ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
        const std::size_t result = ZSTD_decompressStream(context_->dctx, &output, &input);
        if (ZSTD_isError(result) != 0U) {
            fail(ZSTD_getErrorName(result));
        }
        input_begin_ = input.pos;
        frame_done_ = result == 0;
        produced_ += output.pos;
        if (content_size_ &&
            (produced_ > *content_size_ || (frame_done_ && produced_ != *content_size_))) {
            fail(fmt::format("its frame declares {} bytes but holds {}{}", *content_size_,
                             frame_done_ ? "" : "more than ", produced_));
        }
        if (output.pos > 0) {
            return output.pos;
        }
    }
}

std::string zstd_compress(std::string_view data, int level) {
    std::string frame(ZSTD_compressBound(data.size()), '\0');
    const std::size_t size =
        ZSTD_compress(frame.data(), frame.size(), data.data(), data.size(), level);
    check(size, "compressing");
    frame.resize(size);
    return frame;
}

std::string zstd_decompress(std::string_view frame, std::size_t max_size, std::string_view what) {
    const auto fail = [&](std::string_view why) {
        throw util::Error(fmt::format("{} {}", what, why));
    };
    if (!frame.starts_with(frame_magic)) {
        fail("is not a zstd frame");
    }
    const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR) {
        fail("has a damaged zstd frame header");
    }
    if (size == ZSTD_CONTENTSIZE_UNKNOWN) {
        fail("declares no size");
    }
    if (size > max_size) {
        fail(fmt::format("declares {} bytes, more than the {} allowed", size, max_size));
    }
    const std::size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
    if (ZSTD_isError(frame_size) != 0U) {
        fail(fmt::format("is truncated or damaged ({})", ZSTD_getErrorName(frame_size)));
    }
    if (frame_size != frame.size()) {
        fail(fmt::format("has {} bytes after its zstd frame", frame.size() - frame_size));
    }
    std::string data(static_cast<std::size_t>(size), '\0');
    const std::size_t produced =
        ZSTD_decompress(data.data(), data.size(), frame.data(), frame.size());
    if (ZSTD_isError(produced) != 0U) {
        fail(fmt::format("is damaged ({})", ZSTD_getErrorName(produced)));
    }
    if (produced != data.size()) {
        fail(fmt::format("holds {} bytes, not the {} it declares", produced, data.size()));
    }
    return data;
}

} // namespace shoal::io
