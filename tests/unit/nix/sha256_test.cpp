#include "nix/sha256.hpp"

#include <doctest/doctest.h>
#include <string_view>

namespace nix = shoal::nix;

TEST_CASE("SHA-256 in Nix notation") {
    nix::Sha256 empty;
    CHECK(empty.finish() == "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73");
    nix::Sha256 abc;
    abc.update(std::string_view("a"));
    abc.update(std::string_view("bc"));
    const auto hash = abc.finish();
    CHECK(hash == "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
    CHECK(nix::is_nix_sha256(hash));
    CHECK_FALSE(nix::is_nix_sha256("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5"));
    CHECK_FALSE(nix::is_nix_sha256("sha1:kpcd173cq987hw957sx6m0868wv3x6d9"));
    CHECK_FALSE(nix::is_nix_sha256("sha256:eb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"));
}
