#include "io/line_reader.hpp"

#include <algorithm>
#include <doctest/doctest.h>

namespace {

class StringSource : public shoal::io::Source {
public:
    StringSource(std::string text, std::size_t step) : text_(std::move(text)), step_(step) {}
    std::size_t read_some(std::span<char> buffer) override {
        const std::size_t n = std::min({buffer.size(), step_, text_.size() - offset_});
        text_.copy(buffer.data(), n, offset_);
        offset_ += n;
        return n;
    }

private:
    std::string text_;
    std::size_t step_;
    std::size_t offset_ = 0;
};

} // namespace

TEST_CASE("lines split across reads come out whole") {
    for (std::size_t step : {1, 2, 5, 100}) {
        StringSource source("one\ntwo\n\nthree\n", step);
        shoal::io::LineReader lines(source);
        CHECK(lines.next() == "one");
        CHECK(lines.next() == "two");
        CHECK(lines.next() == "");
        CHECK(lines.next() == "three");
        CHECK_FALSE(lines.next().has_value());
    }
}

TEST_CASE("a stream cut mid-line is an error, not a line") {
    StringSource source("whole\nhal", 3);
    shoal::io::LineReader lines(source);
    CHECK(lines.next() == "whole");
    CHECK_THROWS_AS(lines.next(), shoal::io::EndOfStream);
}

TEST_CASE("an endless line is refused") {
    StringSource source(std::string(100, 'x'), 7);
    shoal::io::LineReader lines(source, 10);
    CHECK_THROWS_WITH(lines.next(), doctest::Contains("longer than 10 bytes"));
}
