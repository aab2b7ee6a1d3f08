#pragma once

#include "io/stream.hpp"

#include <vector>

namespace shoal::io {

// Buffered reads from a file descriptor it does not own.
class FdSource : public Source {
public:
    explicit FdSource(int fd, std::size_t buffer_size = 64 * 1024);
    std::size_t read_some(std::span<char> buffer) override;

private:
    int fd_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

// Buffered writes to a file descriptor it does not own.
class FdSink : public Sink {
public:
    explicit FdSink(int fd, std::size_t buffer_size = 64 * 1024);
    ~FdSink() override;
    using Sink::write;
    void write(std::span<const char> data) override;
    void flush() override;

private:
    void write_all(std::span<const char> data);

    int fd_;
    std::vector<char> buffer_;
    std::size_t used_ = 0;
};

} // namespace shoal::io
