#pragma once

#include "io/stream.hpp"
#include "nix/sha256.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::nix {

// The bytes are not a well-formed NAR (or end before the NAR does).
class NarError : public util::Error {
public:
    using util::Error::Error;
};

// Copies exactly one NAR (Nix ARchive, libutil/archive) from a source to a
// sink while checking its framing, so the end of a NAR sent unframed (as
// DumpStorePath does) is found without knowing its size. File contents stream
// through in chunks: memory use does not depend on the NAR's size.
class NarReader : private io::Source {
public:
    enum class Hashing { off, sha256 };

    NarReader(io::Source& from, io::Sink& to, Hashing hashing = Hashing::off);

    // Copies one NAR and returns its size in bytes. Throws NarError saying at
    // which byte offset and on which token the input went wrong.
    std::uint64_t copy();

    // "sha256:<nixbase32>" of the bytes copied; only with Hashing::sha256,
    // once, after copy().
    std::string nar_hash();

private:
    // Reading through the NarReader copies, hashes and counts every byte once,
    // so the wire decoders can parse tokens straight from the stream.
    std::size_t read_some(std::span<char> buffer) override;

    void copy_node();
    void copy_contents();
    void copy_entry();
    std::string read_token(std::size_t max_length, std::string_view what);
    void expect(std::string_view token, std::string_view what);
    [[noreturn]] void fail(std::uint64_t offset, std::string_view problem) const;

    io::Source& from_;
    io::Sink& to_;
    std::optional<Sha256> hash_;
    std::uint64_t offset_ = 0;
    // The last entry name of each directory being read, innermost last.
    std::vector<std::string> open_directories_;
};

} // namespace shoal::nix
