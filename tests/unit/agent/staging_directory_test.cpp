// The staging directory against a local user who prepared the path first.
// The tests create directories owned by `nobody`, so they need root.
#include "agent/staging_directory.hpp"
#include "support/temporary_directory.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <pwd.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using shoal::agent::StagingDirectory;

namespace {

mode_t mode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

void give_to_nobody(const fs::path& path) {
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    REQUIRE(::lchown(path.c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    REQUIRE(out.good());
}

// The error a StagingDirectory at `path` fails with, or "accepted".
std::string refusal(const fs::path& path) {
    try {
        StagingDirectory directory(path);
    } catch (const shoal::util::Error& e) {
        return e.what();
    }
    return "accepted";
}

void require_root() {
    REQUIRE_MESSAGE(::geteuid() == 0, "needs root, to make directories of other users");
}

// A temporary stand-in for /var/tmp: world-writable and sticky, owned by
// root like the real one.
struct SharedTmp {
    SharedTmp() : tmp(scratch.path() / "var-tmp") {
        fs::create_directory(tmp);
        REQUIRE(::chmod(tmp.c_str(), 01777) == 0);
    }
    TemporaryDirectory scratch;
    fs::path tmp;
};

} // namespace

TEST_CASE("a missing tree is made, private, and used through its descriptor") {
    require_root();
    SharedTmp shared;
    const fs::path staging = shared.tmp / "shoal" / "key" / "host";
    StagingDirectory directory(staging);
    CHECK(directory.path() == staging);
    CHECK(mode_of(shared.tmp / "shoal") == 0700);
    CHECK(mode_of(shared.tmp / "shoal" / "key") == 0700);
    CHECK(mode_of(staging) == 0700);
    CHECK(directory.pinned_path().string().starts_with("/proc/self/fd/"));
    write_file(directory.pinned_path() / "nar", "bytes");
    CHECK(fs::exists(staging / "nar"));

    directory.remove();
    CHECK_FALSE(fs::exists(shared.tmp / "shoal" / "key"));
    // The base stays: other deployments may use it.
    CHECK(fs::exists(shared.tmp / "shoal"));
}

TEST_CASE("an interrupted run's tree is taken again and made private") {
    require_root();
    SharedTmp shared;
    const fs::path staging = shared.tmp / "shoal" / "key" / "host";
    fs::create_directories(staging);
    REQUIRE(::chmod(staging.c_str(), 0755) == 0);
    write_file(staging / "resume", "kept");
    StagingDirectory directory(staging);
    CHECK(mode_of(staging) == 0700);
    CHECK(fs::exists(directory.pinned_path() / "resume"));
}

TEST_CASE("a directory of another user is refused, naming it and its owner") {
    require_root();
    SharedTmp shared;
    SUBCASE("made first in the shared directory") {
        fs::create_directory(shared.tmp / "shoal");
        give_to_nobody(shared.tmp / "shoal");
        CHECK(refusal(shared.tmp / "shoal" / "key" / "host") ==
              "staging: " + (shared.tmp / "shoal").string() +
                  " belongs to nobody (uid 65534), not to root (uid 0), as the agent requires: "
                  "another user may have made it to redirect the agent's files; remove it or "
                  "choose another --remote-staging");
        CHECK_FALSE(fs::exists(shared.tmp / "shoal" / "key"));
    }
    SUBCASE("further down") {
        fs::create_directories(shared.tmp / "shoal" / "key");
        give_to_nobody(shared.tmp / "shoal" / "key");
        CHECK(refusal(shared.tmp / "shoal" / "key" / "host")
                  .starts_with("staging: " + (shared.tmp / "shoal" / "key").string() +
                               " belongs to nobody (uid 65534)"));
        CHECK_FALSE(fs::exists(shared.tmp / "shoal" / "key" / "host"));
    }
    SUBCASE("the staging directory itself") {
        fs::create_directories(shared.tmp / "shoal" / "key" / "host");
        give_to_nobody(shared.tmp / "shoal" / "key" / "host");
        CHECK(refusal(shared.tmp / "shoal" / "key" / "host")
                  .starts_with("staging: " + (shared.tmp / "shoal" / "key" / "host").string() +
                               " belongs to nobody (uid 65534)"));
    }
}

TEST_CASE("a planted symlink is refused, not followed") {
    require_root();
    SharedTmp shared;
    const fs::path elsewhere = shared.scratch.path() / "elsewhere";
    fs::create_directory(elsewhere);
    SUBCASE("as the base") {
        fs::create_directory_symlink(elsewhere, shared.tmp / "shoal");
        give_to_nobody(shared.tmp / "shoal");
        CHECK(refusal(shared.tmp / "shoal" / "key" / "host") ==
              "staging: " + (shared.tmp / "shoal").string() +
                  " is a symbolic link (owned by nobody (uid 65534)): the agent follows none on "
                  "its way to the staging directory, as another user may have planted it; remove "
                  "it or choose another --remote-staging");
    }
    SUBCASE("as the staging directory") {
        fs::create_directories(shared.tmp / "shoal" / "key");
        fs::create_directory_symlink(elsewhere, shared.tmp / "shoal" / "key" / "host");
        CHECK(refusal(shared.tmp / "shoal" / "key" / "host")
                  .starts_with("staging: " + (shared.tmp / "shoal" / "key" / "host").string() +
                               " is a symbolic link"));
    }
    CHECK(fs::is_empty(elsewhere));
}

TEST_CASE("a directory others may write without the sticky bit is refused") {
    require_root();
    TemporaryDirectory scratch;
    const fs::path open = scratch.path() / "open";
    fs::create_directory(open);
    REQUIRE(::chmod(open.c_str(), 0777) == 0);
    CHECK(refusal(open / "key" / "host") ==
          "staging: " + open.string() +
              " is writable by group or others (mode 0777) and not sticky: they could replace "
              "what is in it; remove their write permission or choose another --remote-staging");
    CHECK_FALSE(fs::exists(open / "key"));
}

TEST_CASE("a file where a directory belongs is refused") {
    require_root();
    SharedTmp shared;
    write_file(shared.tmp / "shoal", "");
    CHECK(refusal(shared.tmp / "shoal" / "key" / "host") ==
          "staging: " + (shared.tmp / "shoal").string() + " is not a directory");
}

TEST_CASE("a path swapped after the check changes nothing for the agent") {
    require_root();
    SharedTmp shared;
    StagingDirectory directory(shared.tmp / "shoal" / "key" / "host");
    // Someone with the power to do it moves the tree away and plants a
    // look-alike tree of theirs, reached through a symlink, in its place.
    fs::rename(shared.tmp / "shoal", shared.tmp / "moved");
    const fs::path bait = shared.scratch.path() / "bait";
    fs::create_directories(bait / "key" / "host");
    fs::create_directory_symlink(bait, shared.tmp / "shoal");

    write_file(directory.pinned_path() / "nar", "bytes");
    CHECK(fs::exists(shared.tmp / "moved" / "key" / "host" / "nar"));
    CHECK(fs::is_empty(bait / "key" / "host"));

    directory.remove();
    CHECK_FALSE(fs::exists(shared.tmp / "moved" / "key"));
    CHECK(fs::exists(bait / "key" / "host"));
}

TEST_CASE("removal keeps a deployment directory that is shared or still in use") {
    require_root();
    SharedTmp shared;
    const fs::path deployment = shared.tmp / "shoal" / "key";
    SUBCASE("another agent's staging is still in it") {
        StagingDirectory first(deployment / "a");
        StagingDirectory second(deployment / "b");
        first.remove();
        CHECK_FALSE(fs::exists(deployment / "a"));
        CHECK(fs::exists(deployment / "b"));
        second.remove();
        CHECK_FALSE(fs::exists(deployment));
    }
    SUBCASE("it is not private") {
        fs::create_directories(deployment);
        REQUIRE(::chmod(deployment.c_str(), 0755) == 0);
        StagingDirectory(deployment / "a").remove();
        CHECK_FALSE(fs::exists(deployment / "a"));
        CHECK(fs::exists(deployment));
    }
    SUBCASE("the staging directory lies directly in a shared directory") {
        StagingDirectory(shared.tmp / "host").remove();
        CHECK_FALSE(fs::exists(shared.tmp / "host"));
        CHECK(fs::exists(shared.tmp));
    }
}

TEST_CASE("a path that is not absolute and normalized is refused") {
    for (const std::string path : {"relative/host", "/var/tmp/../host", "/var/tmp/shoal/", "/"}) {
        CAPTURE(path);
        CHECK(refusal(path) ==
              "staging: " + path + " is not an absolute, normalized directory path below /");
    }
}
