#include "nix/store_path.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <string>

namespace nix = shoal::nix;

TEST_CASE("store paths are checked like Nix does") {
    const std::string good = "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-hello-2.12.1";
    CHECK(nix::parse_store_path(good) == good);
    CHECK_FALSE(nix::store_path_problem("/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-a+b_c.d?e=f"));
    const std::pair<std::string, std::string> bad[] = {
        {"/usr/bin/hello", "'/usr/bin/hello' is not in the Nix store /nix/store"},
        {"/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9",
         "'/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9' is not a store path: expected "
         "/nix/store/<32-character hash>-<name>"},
        {"/nix/store/short-name",
         "'/nix/store/short-name' is not a store path: expected /nix/store/<32-character "
         "hash>-<name>"},
        {"/nix/store/kpcd173cq987hw957sx6m0868wv3x6de-x",
         "store path '/nix/store/kpcd173cq987hw957sx6m0868wv3x6de-x' has an invalid hash part "
         "'kpcd173cq987hw957sx6m0868wv3x6de'"},
        {"/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-a/b",
         "store path '/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-a/b' contains the illegal "
         "character '/'"},
        {"/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-" + std::string(212, 'a'),
         "store path '/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-" + std::string(212, 'a') +
             "' has a name longer than 211 characters"},
    };
    for (const auto& [path, message] : bad) {
        CAPTURE(path);
        CHECK(nix::store_path_problem(path) == message);
        CHECK_THROWS_WITH_AS(nix::parse_store_path(path), message.c_str(), shoal::util::UsageError);
    }
    CHECK_FALSE(nix::store_path_problem("/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-" +
                                        std::string(211, 'a')));
}

TEST_CASE("the store entry enclosing a path") {
    const std::string entry = "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-shoal";
    CHECK(nix::enclosing_store_entry(entry) == entry);
    CHECK(nix::enclosing_store_entry(entry + "/bin/shoal") == entry);
    CHECK(nix::enclosing_store_entry("/nix/store/whatever/x") == "/nix/store/whatever");
    CHECK_FALSE(nix::enclosing_store_entry("/nix/store"));
    CHECK_FALSE(nix::enclosing_store_entry("/nix/store/"));
    CHECK_FALSE(nix::enclosing_store_entry("/nix/storefoo/x"));
    CHECK_FALSE(nix::enclosing_store_entry("/usr/bin/shoal"));
    CHECK_FALSE(nix::enclosing_store_entry("nix/store/" + entry.substr(11)));
}
