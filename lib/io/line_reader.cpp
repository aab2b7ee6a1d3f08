#include "io/line_reader.hpp"

#include <array>
#include <fmt/format.h>

namespace shoal::io {

std::optional<std::string> LineReader::next() {
    std::array<char, 16 * 1024> chunk{};
    for (;;) {
        if (auto line = lines_.next()) {
            return line;
        }
        const std::size_t n = from_.read_some(chunk);
        if (n == 0) {
            if (!lines_.rest().empty()) {
                throw EndOfStream(
                    fmt::format("stream ended in the middle of a line: '{:.80}'", lines_.rest()));
            }
            return std::nullopt;
        }
        lines_.append(std::span<const char>(chunk.data(), n));
    }
}

} // namespace shoal::io
