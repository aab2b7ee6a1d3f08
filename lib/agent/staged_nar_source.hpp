#pragma once

#include "io/fd.hpp"
#include "io/stream.hpp"

#include <cstdint>
#include <filesystem>
#include <stop_token>

namespace shoal::agent {

// Reads one staged NAR file in chunks, for streaming into AddToStoreNar
// without holding the NAR in memory. Stops with util::Error once `stop` is
// requested, so that a shutdown need not wait for a big import.
class StagedNarSource : public io::Source {
public:
    StagedNarSource(const std::filesystem::path& file, std::stop_token stop);

    std::uint64_t size() const { return size_; }
    std::size_t read_some(std::span<char> buffer) override;

private:
    std::filesystem::path file_;
    std::stop_token stop_;
    io::UniqueFd fd_;
    std::uint64_t size_ = 0;
};

} // namespace shoal::agent
