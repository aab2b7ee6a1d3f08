#include "support/temporary_directory.hpp"
#include "swarm/files.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sys/stat.h>

using shoal::swarm::read_file;
using shoal::swarm::write_file_atomically;

TEST_CASE("written files are readable by their owner only, even when they existed before") {
    const TemporaryDirectory directory;
    const auto path = directory.path() / "host.key";
    std::ofstream(path) << "old contents";
    ::chmod(path.c_str(), 0644);

    write_file_atomically(path, std::string("new\0contents", 12));

    CHECK(read_file(path) == std::string("new\0contents", 12));
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST_CASE("a leftover temporary file, even a link, is replaced and not written through") {
    const TemporaryDirectory directory;
    const auto path = directory.path() / "host.key";
    const auto victim = directory.path() / "victim";
    std::ofstream(victim) << "untouched";
    std::filesystem::create_symlink(victim, path.string() + ".tmp");

    write_file_atomically(path, "secret");

    CHECK(read_file(path) == "secret");
    CHECK(read_file(victim) == "untouched");
}

TEST_CASE("reading a missing file names it") {
    const TemporaryDirectory directory;
    CHECK_THROWS_WITH_AS(read_file(directory.path() / "missing"), doctest::Contains("missing"),
                         shoal::util::Error);
}
