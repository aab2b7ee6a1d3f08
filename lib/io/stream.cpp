#include "io/stream.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace shoal::io {

void Source::read_exact(std::span<char> buffer) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        const std::size_t n = read_some(buffer.subspan(done));
        if (n == 0) {
            throw EndOfStream(
                fmt::format("stream ended after {} of {} expected bytes", done, buffer.size()));
        }
        done += n;
    }
}

void copy_exact(Source& from, Sink& to, std::uint64_t count) {
    std::array<char, 64 * 1024> buffer{};
    std::uint64_t left = count;
    while (left > 0) {
        const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
        const std::size_t n = from.read_some(std::span(buffer.data(), chunk));
        if (n == 0) {
            throw EndOfStream(
                fmt::format("stream ended after {} of {} expected bytes", count - left, count));
        }
        to.write(std::span<const char>(buffer.data(), n));
        left -= n;
    }
}

} // namespace shoal::io
