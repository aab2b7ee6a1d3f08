#include "inventory/selection.hpp"
#include "parse_helpers.hpp"

#include <doctest/doctest.h>

using shoal::inventory::select_hosts;
using shoal::inventory::Selection;
using shoal::util::UsageError;
using Names = std::vector<std::string>;

namespace {

const char* const fleet = R"(groups:
  web: {}
  db: {}
  canary: {}
hosts:
  web-[1:4]: {groups: [web], tags: [frontend]}
  web-5: {groups: [web, canary], tags: [frontend, gpu]}
  db-1: {groups: [db], tags: [gpu]}
  db-2: {groups: [db]}
)";

Names selected(const Selection& selection) {
    Names names;
    for (const auto& host : select_hosts(shoal::inventory::test::parse(fleet), selection)) {
        names.push_back(host.name);
    }
    return names;
}

std::string error_of(const Selection& selection) {
    try {
        select_hosts(shoal::inventory::test::parse(fleet), selection);
    } catch (const UsageError& e) {
        return e.what();
    }
    FAIL("selection did not fail");
    return {};
}

} // namespace

TEST_CASE("no filter selects every host, in inventory order") {
    CHECK(Selection{}.empty());
    CHECK(selected({}) == Names{"web-1", "web-2", "web-3", "web-4", "web-5", "db-1", "db-2"});
}

TEST_CASE("host patterns are globs, and a host matching any of them is selected") {
    CHECK(selected({.host_patterns = {"db-*"}}) == Names{"db-1", "db-2"});
    CHECK(selected({.host_patterns = {"web-[2-3]", "db-?"}}) ==
          Names{"web-2", "web-3", "db-1", "db-2"});
    CHECK(selected({.host_patterns = {"db-2", "web-1"}}) == Names{"web-1", "db-2"});
    CHECK_FALSE(Selection{.host_patterns = {"db-2"}}.empty());
}

TEST_CASE("groups and tags select their hosts") {
    CHECK(selected({.groups = {"db"}}) == Names{"db-1", "db-2"});
    CHECK(selected({.tags = {"gpu"}}) == Names{"web-5", "db-1"});
}

TEST_CASE("different filters intersect, and so do several groups or tags") {
    CHECK(selected({.host_patterns = {"web-*"}, .tags = {"gpu"}}) == Names{"web-5"});
    CHECK(selected({.groups = {"web", "canary"}}) == Names{"web-5"});
    CHECK(selected({.tags = {"frontend", "gpu"}}) == Names{"web-5"});
    CHECK(selected({{"*-1"}, {"db"}, {"gpu"}}) == Names{"db-1"});
}

TEST_CASE("an empty result is an error that names the filters") {
    CHECK(error_of({.host_patterns = {"web-*"}, .groups = {"db"}}) ==
          "no host in fleet.yaml matches all of: hosts web-*; group db");
    CHECK(error_of({{"db-*", "web-1"}, {"canary"}, {"frontend"}}) ==
          "no host in fleet.yaml matches all of: hosts db-*,web-1; group canary; tag frontend");
}

TEST_CASE("a filter that matches nothing by itself is reported, with a suggestion") {
    CHECK(error_of({.host_patterns = {"web-*", "db-9"}}) ==
          "host pattern 'db-9' matches no host in fleet.yaml (did you mean 'db-1'?)");
    CHECK(error_of({.host_patterns = {"mail*"}}) ==
          "host pattern 'mail*' matches no host in fleet.yaml");
    CHECK(error_of({.groups = {"dbb"}}) ==
          "unknown group 'dbb' in fleet.yaml (did you mean 'db'?)");
    CHECK(error_of({.groups = {"storage"}}) ==
          "unknown group 'storage' in fleet.yaml (it defines: web, db, canary)");
    CHECK(error_of({.tags = {"gpus"}}) ==
          "no host in fleet.yaml has tag 'gpus' (did you mean 'gpu'?)");
    CHECK(error_of({.host_patterns = {""}}) == "empty host pattern in the host selection");
}
