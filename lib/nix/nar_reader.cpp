#include "nix/nar_reader.hpp"

#include "nix/wire.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace shoal::nix {
namespace {

constexpr std::string_view magic = "nix-archive-1";
constexpr std::size_t max_keyword_length = 64;
constexpr std::size_t max_name_length = 255;    // NAME_MAX
constexpr std::size_t max_target_length = 4095; // PATH_MAX without the NUL
constexpr std::size_t max_depth = 2048;         // deeper trees cannot fit in PATH_MAX

// Garbage tokens may be binary; keep error messages printable.
std::string printable(std::string_view text) {
    std::string result(text);
    std::replace_if(
        result.begin(), result.end(), [](char c) { return c < 0x20 || c > 0x7e; }, '?');
    return result;
}

} // namespace

NarReader::NarReader(io::Source& from, io::Sink& to, Hashing hashing) : from_(from), to_(to) {
    if (hashing == Hashing::sha256) {
        hash_.emplace();
    }
}

std::size_t NarReader::read_some(std::span<char> buffer) {
    const std::size_t n = from_.read_some(buffer);
    const auto data = buffer.first(n);
    to_.write(data);
    if (hash_) {
        hash_->update(data);
    }
    offset_ += n;
    return n;
}

std::uint64_t NarReader::copy() {
    expect(magic, "NAR magic");
    copy_node();
    while (!open_directories_.empty()) {
        const auto token_offset = offset_;
        const auto token = read_token(max_keyword_length, "directory field");
        if (token == ")") {
            open_directories_.pop_back();
            if (!open_directories_.empty()) {
                expect(")", "end of directory entry");
            }
        } else if (token == "entry") {
            copy_entry();
        } else {
            fail(token_offset, fmt::format("expected 'entry' or ')', got '{}'", printable(token)));
        }
    }
    return offset_;
}

std::string NarReader::nar_hash() {
    if (!hash_) {
        throw util::Error("NarReader::nar_hash called without Hashing::sha256");
    }
    auto result = hash_->finish();
    hash_.reset();
    return result;
}

// Reads a node; a regular file or symlink completely, a directory only its
// header (the caller's loop reads its entries).
void NarReader::copy_node() {
    expect("(", "start of node");
    expect("type", "node type");
    const auto type_offset = offset_;
    const auto type = read_token(max_keyword_length, "node type");
    if (type == "regular") {
        copy_contents();
        expect(")", "end of regular file");
    } else if (type == "symlink") {
        expect("target", "symlink target");
        const auto target_offset = offset_;
        const auto target = read_token(max_target_length, "symlink target");
        if (target.empty() || target.find('\0') != std::string::npos) {
            fail(target_offset, fmt::format("invalid symlink target '{}'", printable(target)));
        }
        expect(")", "end of symlink");
    } else if (type == "directory") {
        if (open_directories_.size() == max_depth) {
            fail(type_offset, fmt::format("directories nested deeper than {}", max_depth));
        }
        open_directories_.emplace_back();
    } else {
        fail(type_offset, fmt::format("unknown node type '{}'", printable(type)));
    }
}

void NarReader::copy_contents() {
    const auto field_offset = offset_;
    auto field = read_token(max_keyword_length, "regular file field");
    if (field == "executable") {
        expect("", "executable marker");
        field = read_token(max_keyword_length, "regular file field");
    }
    if (field != "contents") {
        fail(field_offset,
             fmt::format("expected 'executable' or 'contents', got '{}'", printable(field)));
    }
    const auto size_offset = offset_;
    std::uint64_t size = 0;
    try {
        size = read_u64(*this, "file size");
    } catch (const WireError& e) {
        fail(size_offset, e.what());
    }
    std::array<char, 64 * 1024> buffer{};
    for (std::uint64_t left = size; left > 0;) {
        const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
        const std::size_t n = read_some(std::span(buffer.data(), chunk));
        if (n == 0) {
            fail(offset_, fmt::format("input ends inside file contents ({} of {} bytes read)",
                                      size - left, size));
        }
        left -= n;
    }
    const auto padding_offset = offset_;
    const auto padding_length = static_cast<std::size_t>((8 - size % 8) % 8);
    try {
        read_exact(std::span(buffer.data(), padding_length));
    } catch (const io::EndOfStream&) {
        fail(padding_offset, "input ends inside the padding of file contents");
    }
    if (std::any_of(buffer.begin(), buffer.begin() + padding_length, [](char c) { return c; })) {
        fail(padding_offset, "non-zero padding after file contents");
    }
}

void NarReader::copy_entry() {
    expect("(", "start of directory entry");
    expect("name", "entry name");
    const auto name_offset = offset_;
    auto name = read_token(max_name_length, "entry name");
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos) {
        fail(name_offset, fmt::format("invalid entry name '{}'", printable(name)));
    }
    auto& previous = open_directories_.back();
    if (!previous.empty() && name <= previous) {
        fail(name_offset, fmt::format("entry '{}' after '{}': entries not sorted or duplicated",
                                      printable(name), printable(previous)));
    }
    previous = std::move(name);
    expect("node", "entry node");
    const auto depth = open_directories_.size();
    copy_node();
    if (open_directories_.size() == depth) {
        expect(")", "end of directory entry");
    }
}

std::string NarReader::read_token(std::size_t max_length, std::string_view what) {
    const auto token_offset = offset_;
    try {
        return read_string(*this, max_length, what);
    } catch (const WireError& e) {
        fail(token_offset, e.what());
    }
}

void NarReader::expect(std::string_view token, std::string_view what) {
    const auto token_offset = offset_;
    const auto got = read_token(std::max(token.size(), max_keyword_length), what);
    if (got != token) {
        fail(token_offset,
             fmt::format("expected '{}' ({}), got '{}'", token, what, printable(got)));
    }
}

void NarReader::fail(std::uint64_t offset, std::string_view problem) const {
    throw NarError(fmt::format("malformed NAR at byte {}: {}", offset, problem));
}

} // namespace shoal::nix
