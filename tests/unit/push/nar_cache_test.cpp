#include "push/nar_cache.hpp"
#include "support/temporary_directory.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <sys/stat.h>

namespace fs = std::filesystem;
using shoal::nix::NarCompression;
using shoal::nix::PathInfo;
using shoal::push::CachedNar;
using shoal::push::NarCache;
using shoal::push::nars_to_evict;

namespace {

fs::file_time_type at(int seconds) {
    return fs::file_time_type() + std::chrono::seconds(seconds);
}

PathInfo nar_of(const std::string& name, std::uint64_t size, char hash_digit) {
    PathInfo info;
    info.path = "/nix/store/" + std::string(32, hash_digit) + "-" + name;
    info.nar_size = size;
    info.nar_hash = "sha256:" + std::string(52, hash_digit);
    return info;
}

void write_bytes(const fs::path& file, std::uint64_t size) {
    std::ofstream(file) << std::string(size, 'n');
}

std::size_t files_in(const fs::path& directory) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(directory), fs::directory_iterator()));
}

} // namespace

TEST_CASE("nars_to_evict removes the least recently used until the rest fit") {
    const std::vector<CachedNar> cached{
        {"new", 40, at(30)}, {"old", 40, at(10)}, {"middle", 40, at(20)}};
    CHECK(nars_to_evict(cached, 120, {}).empty());
    CHECK(nars_to_evict(cached, 119, {}) == std::vector<std::string>{"old"});
    CHECK(nars_to_evict(cached, 40, {}) == std::vector<std::string>{"old", "middle"});
    CHECK(nars_to_evict(cached, 0, {}) == std::vector<std::string>{"old", "middle", "new"});
}

TEST_CASE("nars_to_evict spares what the push uses, however far over the limit") {
    const std::vector<CachedNar> cached{{"b", 40, at(10)}, {"a", 40, at(10)}, {"used", 100, at(5)}};
    // Same age: by name. "used" stays although the rest could never fit.
    CHECK(nars_to_evict(cached, 50, {"used"}) == std::vector<std::string>{"a", "b"});
    CHECK(nars_to_evict(cached, 100, {"used"}) == std::vector<std::string>{"a", "b"});
    CHECK(nars_to_evict(cached, 140, {"used"}) == std::vector<std::string>{"a"});
}

TEST_CASE("NarCache links a kept NAR into a later push's staging, by NAR hash") {
    TemporaryDirectory root;
    const fs::path first = root.path() / "first";
    const fs::path second = root.path() / "second";
    fs::create_directories(first);
    fs::create_directories(second);
    const PathInfo info = nar_of("hello", 100, 'a');
    write_bytes(first / "a.nar", 100);
    {
        NarCache cache(root.path() / "nars", 1 << 20);
        CHECK_FALSE(cache.take(info, NarCompression::none, second / "a.nar"));
        cache.keep(info, NarCompression::none, first / "a.nar");
        cache.trim();
    }
    CHECK((fs::status(root.path() / "nars").permissions() & fs::perms::all) ==
          fs::perms::owner_all);
    CHECK(fs::exists(root.path() / "nars" / ("sha256-" + std::string(52, 'a') + ".nar")));
    fs::remove_all(first); // the first push's staging goes after its success

    NarCache cache(root.path() / "nars", 1 << 20);
    CHECK(cache.take(info, NarCompression::none, second / "a.nar"));
    CHECK(fs::file_size(second / "a.nar") == 100);
    CHECK(fs::hard_link_count(second / "a.nar") == 2);
    // Stored plain, not compressed; and a rebuilt path with other contents has another hash.
    CHECK_FALSE(cache.take(info, NarCompression::zstd, second / "a.nar.zst"));
    PathInfo rebuilt = info;
    rebuilt.nar_hash = "sha256:" + std::string(52, 'b');
    CHECK_FALSE(cache.take(rebuilt, NarCompression::none, second / "b.nar"));
}

TEST_CASE("NarCache refuses a cut file and a hash it cannot name a file after") {
    TemporaryDirectory root;
    const PathInfo info = nar_of("hello", 100, 'a');
    write_bytes(root.path() / "a.nar", 100);
    NarCache cache(root.path() / "nars", 1 << 20);
    cache.keep(info, NarCompression::none, root.path() / "a.nar");
    PathInfo longer = info;
    longer.nar_size = 101; // the file was cut, or is another NAR's
    CHECK_FALSE(cache.take(longer, NarCompression::none, root.path() / "b.nar"));

    PathInfo odd = nar_of("odd", 100, 'c');
    odd.nar_hash = "sha256:../../etc";
    write_bytes(root.path() / "odd.nar", 100);
    cache.keep(odd, NarCompression::none, root.path() / "odd.nar");
    CHECK(files_in(root.path() / "nars") == 1);
}

TEST_CASE("NarCache trims to its limit, sparing the push's own NARs") {
    TemporaryDirectory root;
    const fs::path staging = root.path() / "staging";
    fs::create_directories(staging);
    std::vector<PathInfo> nars;
    for (const char digit : {'a', 'b', 'c'}) {
        nars.push_back(nar_of(std::string(1, digit), 100, digit));
        write_bytes(staging / std::string(1, digit), 100);
    }
    {
        NarCache cache(root.path() / "nars", 1 << 20);
        for (const auto& info : nars) {
            cache.keep(info, NarCompression::none,
                       staging / info.path.substr(info.path.size() - 1));
        }
    }
    // Ages as later pushes would leave them: c oldest, then a, then b.
    const auto now = fs::file_time_type::clock::now();
    fs::last_write_time(root.path() / "nars" / ("sha256-" + std::string(52, 'c') + ".nar"),
                        now - std::chrono::hours(3));
    fs::last_write_time(root.path() / "nars" / ("sha256-" + std::string(52, 'a') + ".nar"),
                        now - std::chrono::hours(2));
    fs::last_write_time(root.path() / "nars" / ("sha256-" + std::string(52, 'b') + ".nar"),
                        now - std::chrono::hours(1));

    NarCache cache(root.path() / "nars", 150);
    CHECK(cache.take(nars[0], NarCompression::none, root.path() / "a-again.nar")); // a now newest
    cache.trim();
    CHECK(files_in(root.path() / "nars") == 1);
    CHECK(fs::exists(root.path() / "nars" / ("sha256-" + std::string(52, 'a') + ".nar")));
}

TEST_CASE("NarCache with a limit of 0 keeps nothing") {
    TemporaryDirectory root;
    const PathInfo info = nar_of("hello", 100, 'a');
    write_bytes(root.path() / "a.nar", 100);
    NarCache cache(root.path() / "nars", 0);
    cache.keep(info, NarCompression::none, root.path() / "a.nar");
    cache.trim();
    CHECK_FALSE(fs::exists(root.path() / "nars"));
    CHECK_FALSE(cache.take(info, NarCompression::none, root.path() / "b.nar"));
}
