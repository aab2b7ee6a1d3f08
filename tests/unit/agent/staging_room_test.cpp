#include "agent/staging_room.hpp"
#include "support/temporary_directory.hpp"

#include <doctest/doctest.h>
#include <fstream>

using shoal::agent::check_staging_room;
using shoal::agent::Download;
using shoal::agent::download_of;
using shoal::agent::fits;

TEST_CASE("the download is the wanted files, whole") {
    std::vector<shoal::swarm::FileProgress> files(3);
    files[0].size = 1000;
    files[0].wanted = true;
    files[1].size = 5000; // relayed by others, not fetched here
    files[2].size = 300;
    files[2].verified_bytes = 300; // resumed: in the download, and in what is staged
    files[2].wanted = true;
    const Download download = download_of(files);
    CHECK(download.bytes == 1300);
    CHECK(download.files == 2);
}

TEST_CASE("a download fits in what is free plus what is staged, each file in whole blocks") {
    const Download download{10000, 2}; // needs 10000 + 2 x 4096
    CHECK(fits(download, 18192, 0));
    CHECK_FALSE(fits(download, 18191, 0));
    CHECK(fits(download, 10000, 8192)); // a resumed download reuses what it holds
    CHECK(fits({0, 0}, 0, 0));
}

TEST_CASE("a staging directory without room is refused with ENOSPC's words, naming it") {
    TemporaryDirectory directory;
    std::ofstream(directory.path() / "partial") << std::string(8192, 'x');
    CHECK_NOTHROW(check_staging_room(directory.path(), "/var/tmp/shoal/k/h1", {8192, 1}));
    CHECK_THROWS_WITH(
        check_staging_room(directory.path(), "/var/tmp/shoal/k/h1", {std::uint64_t{1} << 62, 1}),
        doctest::Contains("the staging directory /var/tmp/shoal/k/h1 has room for"));
    CHECK_THROWS_WITH(check_staging_room(directory.path(), "/x", {std::uint64_t{1} << 62, 1}),
                      doctest::Contains("No space left on device"));
}
