#include "nar_builder.hpp"
#include "nix/nar_reader.hpp"
#include "support/memory_streams.hpp"

#include <doctest/doctest.h>
#include <string>

using shoal::nix::NarError;
using shoal::nix::NarReader;
using namespace shoal::nix::test;
using namespace shoal::test;

namespace {

// Records the largest single write, to show that contents are not buffered whole.
class ChunkSink : public StringSink {
public:
    using Sink::write;
    void write(std::span<const char> data) override {
        largest = std::max(largest, data.size());
        StringSink::write(data);
    }
    std::size_t largest = 0;
};

// Copies `bytes` (plus a trailer that must stay unread) and checks the copy.
void check_copies(const std::string& bytes, std::size_t step = 1 << 20) {
    StringSource source(bytes + "trailer!", step);
    StringSink sink;
    CHECK(NarReader(source, sink).copy() == bytes.size());
    CHECK(sink.text == bytes);
    CHECK(source.remaining() == 8);
}

std::string copy_error(const std::string& bytes) {
    StringSource source(bytes);
    StringSink sink;
    try {
        NarReader(source, sink).copy();
    } catch (const NarError& e) {
        return e.what();
    }
    return "no error";
}

const std::string sample_tree =
    nar(directory_node({{"empty", regular_node("")},
                        {"link", symlink_node("../target")},
                        {"sub", directory_node({{"run", regular_node("#!/bin/sh\n", true)}})}}));

} // namespace

TEST_CASE("copies every kind of node exactly, leaving what follows") {
    check_copies(nar(regular_node("hello\n")));
    check_copies(nar(regular_node("")));
    check_copies(nar(regular_node("#!/bin/sh\n", true)));
    check_copies(nar(symlink_node("/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-x")));
    check_copies(nar(directory_node({})));
    check_copies(sample_tree);
    check_copies(sample_tree, 3);
}

// Expected hashes from `nix-hash --type sha256 --base32` on the same trees.
TEST_CASE("computes the NAR hash Nix computes") {
    const std::pair<std::string, std::string> known[] = {
        {nar(regular_node("hello\n")),
         "sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"},
        {sample_tree, "sha256:0r8llk8hzisiad9xnf8jbw8qyfdh19y6m3hb1s6zdp6dk81iybv3"},
    };
    for (const auto& [bytes, hash] : known) {
        StringSource source(bytes, 5);
        StringSink sink;
        NarReader reader(source, sink, NarReader::Hashing::sha256);
        reader.copy();
        CHECK(reader.nar_hash() == hash);
    }
}

TEST_CASE("streams large contents in chunks") {
    const std::string contents(3 * 1024 * 1024 + 5, 'z');
    const auto bytes = nar(directory_node({{"big", regular_node(contents)}}));
    StringSource source(bytes, 1 << 20);
    ChunkSink sink;
    CHECK(NarReader(source, sink).copy() == bytes.size());
    CHECK(sink.text == bytes);
    CHECK(sink.largest <= 64 * 1024);
}

TEST_CASE("truncated input fails at every offset") {
    for (std::size_t cut = 0; cut < sample_tree.size(); ++cut) {
        CAPTURE(cut);
        StringSource source(sample_tree.substr(0, cut), 7);
        StringSink sink;
        CHECK_THROWS_AS(NarReader(source, sink).copy(), NarError);
    }
}

TEST_CASE("malformed NARs are refused naming offset and token") {
    CHECK(copy_error(tokens({"nix-archive-2"}) + regular_node("")) ==
          "malformed NAR at byte 0: expected 'nix-archive-1' (NAR magic), got 'nix-archive-2'");
    CHECK(copy_error("GET / HTTP/1.1\r\n\r\n") ==
          "malformed NAR at byte 0: NAR magic is 6073139484287059271 bytes long, more than the "
          "64 allowed");
    CHECK(copy_error(nar(tokens({"(", "type", "fifo", ")"}))) ==
          "malformed NAR at byte 56: unknown node type 'fifo'");
    CHECK(copy_error(nar(tokens({"(", "kind"}))) ==
          "malformed NAR at byte 40: expected 'type' (node type), got 'kind'");
    CHECK(copy_error(nar(tokens({"(", "type", "regular", "executable", "yes"}))) ==
          "malformed NAR at byte 96: expected '' (executable marker), got 'yes'");
    CHECK(copy_error(nar(tokens({"(", "type", "regular", "size"}))) ==
          "malformed NAR at byte 72: expected 'executable' or 'contents', got 'size'");
    CHECK(copy_error(nar(tokens({"(", "type", "symlink", "target", ""}))) ==
          "malformed NAR at byte 88: invalid symlink target ''");
    CHECK(copy_error(nar(tokens({"(", "type", "directory", "file"}))) ==
          "malformed NAR at byte 80: expected 'entry' or ')', got 'file'");
    CHECK(copy_error(nar(regular_node("x") + tokens({"extra"}))).starts_with("no error"));
    CHECK(copy_error(nar(tokens({"(", "type", "regular", "contents", "x", "x"}))) ==
          "malformed NAR at byte 104: expected ')' (end of regular file), got 'x'");

    auto bad_padding = nar(regular_node("abc"));
    bad_padding[96 + 3] = 1;
    CHECK(copy_error(bad_padding) ==
          "malformed NAR at byte 99: non-zero padding after file contents");
    auto binary_token = nar(tokens({"(", "type", std::string("\x01\xff", 2), ")"}));
    CHECK(copy_error(binary_token) == "malformed NAR at byte 56: unknown node type '?"
                                      "?'");
}

TEST_CASE("directory entries must be sane and sorted") {
    const auto with_entries = [](std::vector<std::pair<std::string, std::string>> entries) {
        return copy_error(nar(directory_node(entries)));
    };
    CHECK(with_entries({{"b", regular_node("")}, {"a", regular_node("")}})
              .ends_with("entry 'a' after 'b': entries not sorted or duplicated"));
    CHECK(with_entries({{"a", regular_node("")}, {"a", regular_node("")}})
              .ends_with("entry 'a' after 'a': entries not sorted or duplicated"));
    for (const auto& name :
         std::vector<std::string>{"", ".", "..", "a/b", std::string("a\0b", 3)}) {
        CAPTURE(name);
        CHECK(with_entries({{name, regular_node("")}}).find("invalid entry name") !=
              std::string::npos);
    }
    CHECK(with_entries({{std::string(256, 'n'), regular_node("")}})
              .ends_with("entry name is 256 bytes long, more than the 255 allowed"));
    // Sorting is per directory: the same name may appear in sibling directories.
    check_copies(nar(directory_node({{"a", directory_node({{"x", regular_node("")}})},
                                     {"b", directory_node({{"x", regular_node("")}})}})));
}

TEST_CASE("nesting is bounded") {
    std::string deep = regular_node("leaf");
    for (int depth = 0; depth < 2048; ++depth) {
        deep = directory_node({{"d", deep}});
    }
    check_copies(nar(deep));
    CHECK(copy_error(nar(directory_node({{"d", deep}})))
              .ends_with("directories nested deeper than 2048"));
}

TEST_CASE("announced lengths are bounded before anything is read or allocated") {
    // Each input ends right after the length: a reader that trusted it would
    // report truncated input instead.
    const auto with_length = [](std::initializer_list<std::string_view> before,
                                std::uint64_t length) {
        StringSink sink;
        shoal::nix::write_u64(sink, length);
        return copy_error(nar(tokens(before) + sink.text));
    };
    CHECK(with_length({"(", "type", "symlink", "target"}, 4096) ==
          "malformed NAR at byte 88: symlink target is 4096 bytes long, more than the 4095 "
          "allowed");
    CHECK(with_length({"(", "type", "directory", "entry", "(", "name"}, std::uint64_t{1} << 60) ==
          "malformed NAR at byte 128: entry name is 1152921504606846976 bytes long, more than "
          "the 255 allowed");
    CHECK(with_length({"(", "type"}, 65) ==
          "malformed NAR at byte 56: node type is 65 bytes long, more than the 64 allowed");
    // Contents are streamed, not allocated: a huge size is only truncated input.
    CHECK(with_length({"(", "type", "regular", "contents"}, std::uint64_t{1} << 60) ==
          "malformed NAR at byte 96: input ends inside file contents (0 of 1152921504606846976 "
          "bytes read)");
}
