#include "io/stream.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>

namespace {

// A source that hands out its text a few bytes at a time, like a slow pipe.
class TrickleSource : public shoal::io::Source {
public:
    TrickleSource(std::string text, std::size_t step) : text_(std::move(text)), step_(step) {}
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

class StringSink : public shoal::io::Sink {
public:
    using Sink::write;
    void write(std::span<const char> data) override { text.append(data.data(), data.size()); }
    std::string text;
};

} // namespace

TEST_CASE("read_exact gathers short reads") {
    TrickleSource source("abcdefgh", 3);
    std::string buffer(8, '\0');
    source.read_exact(buffer);
    CHECK(buffer == "abcdefgh");
}

TEST_CASE("read_exact reports how much was missing") {
    TrickleSource source("abc", 2);
    std::string buffer(5, '\0');
    CHECK_THROWS_WITH_AS(source.read_exact(buffer), "stream ended after 3 of 5 expected bytes",
                         shoal::io::EndOfStream);
}

TEST_CASE("copy_exact copies exactly the count and leaves the rest") {
    TrickleSource source("0123456789", 4);
    StringSink sink;
    shoal::io::copy_exact(source, sink, 6);
    CHECK(sink.text == "012345");
    std::string rest(4, '\0');
    source.read_exact(rest);
    CHECK(rest == "6789");
    CHECK_THROWS_AS(shoal::io::copy_exact(source, sink, 1), shoal::io::EndOfStream);
}
