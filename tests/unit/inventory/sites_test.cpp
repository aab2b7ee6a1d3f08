// `sites:`, the uplink of each site, and its errors.
#include "parse_helpers.hpp"

#include <doctest/doctest.h>

using shoal::inventory::test::error_of;
using shoal::inventory::test::parse;

TEST_CASE("a site's uplink reaches every host of the site") {
    const auto inventory = parse(R"(sites:
  paris: {uplink: 100mbit}
  berlin:
    uplink: 1gbit
hosts:
  p1: {site: paris}
  b1: {site: berlin}
  x1: {}
  l1: {site: lyon}
)");
    REQUIRE(inventory.hosts.size() == 4);
    CHECK(inventory.hosts[0].site_uplink_bps == 100'000'000);
    CHECK(inventory.hosts[1].site_uplink_bps == 1'000'000'000);
    CHECK(inventory.hosts[2].site_uplink_bps == 0);
    CHECK(inventory.hosts[3].site_uplink_bps == 0); // lyon declares none
}

TEST_CASE("a site's uplink applies through groups and defaults too") {
    const auto inventory = parse(R"(sites: {paris: {uplink: 50M}}
groups: {par: {site: paris}}
hosts:
  p1: {groups: [par]}
)");
    CHECK(inventory.hosts[0].site_uplink_bps == 400'000'000);
}

TEST_CASE("sites: errors name the file, line and column") {
    CHECK(error_of("sites:\n  paris: {uplink: fast}\nhosts: {a: {site: paris}}\n")
              .starts_with(
                  "fleet.yaml:2:19: key 'uplink': bandwidth 'fast' does not start with a number"));
    CHECK(error_of("sites:\n  paris: {uplnk: 1gbit}\nhosts: {a: {site: paris}}\n") ==
          "fleet.yaml:2:11: unknown key 'uplnk' for site 'paris' (did you mean 'uplink'?)");
    CHECK(error_of("sites:\n  paris: {}\nhosts: {a: {site: paris}}\n") ==
          "fleet.yaml:2:3: site 'paris' has no 'uplink'");
    CHECK(error_of("sites:\n  pariss: {uplink: 1gbit}\nhosts: {a: {site: paris}}\n") ==
          "fleet.yaml:2:3: no host is in site 'pariss' (did you mean 'paris'?)");
    CHECK(error_of("sites:\n  pa ris: {uplink: 1gbit}\nhosts: {a: {site: paris}}\n")
              .starts_with("fleet.yaml:2:3: site name 'pa ris'"));
    CHECK(error_of("sites: [paris]\nhosts: {a: {site: paris}}\n").starts_with("fleet.yaml:1:8: "));
}
