#include "nix/nar_file.hpp"

#include <doctest/doctest.h>

using shoal::nix::nar_file_compression;
using shoal::nix::nar_file_name;
using shoal::nix::NarCompression;

TEST_CASE("a NAR file is named after its store path, with its compression") {
    const std::string path = "/nix/store/0c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-hello-2.12";
    CHECK(nar_file_name(path, NarCompression::none) ==
          "0c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-hello-2.12.nar");
    CHECK(nar_file_name(path, NarCompression::zstd) ==
          "0c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-hello-2.12.nar.zst");
}

TEST_CASE("a file's name says how its NAR is stored") {
    CHECK(nar_file_compression("abc-hello.nar.zst") == NarCompression::zstd);
    CHECK(nar_file_compression("abc-hello.nar") == NarCompression::none);
    // A store path may itself end in ".zst": only the whole suffix counts.
    CHECK(nar_file_compression("abc-data.zst.nar") == NarCompression::none);
}
