#include "deploy/profile.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using shoal::deploy::parse_current_generation;
using shoal::deploy::profile_path;

TEST_CASE("profile names live under /nix/var/nix/profiles; paths are taken as they are") {
    CHECK(profile_path("system") == "/nix/var/nix/profiles/system");
    CHECK(profile_path("/home/ci/.local/state/nix/profiles/runner") ==
          "/home/ci/.local/state/nix/profiles/runner");
    for (const char* bad : {"", ".", "..", "a/b", "web app", "x\ny", "/a b"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(profile_path(bad), shoal::util::UsageError);
    }
}

TEST_CASE("the current generation is read from the profile's link and its target") {
    const auto generation = parse_current_generation(
        "/nix/var/nix/profiles/system", "system-42-link\n/nix/store/abc-nixos-system\n");
    REQUIRE(generation);
    CHECK(generation->number == 42);
    CHECK(generation->path == "/nix/store/abc-nixos-system");
    // An absolute link names the same file.
    CHECK(parse_current_generation("/p/web", "/p/web-3-link\n/nix/store/x\n")->number == 3);
    // A profile never set has no generation.
    CHECK_FALSE(parse_current_generation("/p/web", ""));
}

TEST_CASE("a profile link that nix-env did not make is an error naming the profile") {
    for (const char* output :
         {"other-1-link\n/nix/store/x\n", "web-x-link\n/nix/store/x\n", "web-1-link\n",
          "web--link\n/nix/store/x\n", "/nix/store/x\n/nix/store/x\n"}) {
        CAPTURE(output);
        CHECK_THROWS_WITH_AS(parse_current_generation("/p/web", output),
                             doctest::Contains("/p/web"), shoal::util::Error);
    }
}
