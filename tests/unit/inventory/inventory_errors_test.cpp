// Every inventory mistake names FILE:LINE:COLUMN of the key or value at fault.
#include "parse_helpers.hpp"

#include <doctest/doctest.h>

using shoal::inventory::test::error_of;

TEST_CASE("YAML syntax errors keep yaml-cpp's position") {
    CHECK(error_of("hosts:\n  a: [b\n") ==
          "fleet.yaml:3:1: YAML syntax error: end of sequence flow not found");
    CHECK(error_of("hosts:\n  a: {}\n\tb: {}\n") ==
          "fleet.yaml:3:2: YAML syntax error: end of map not found");
}

TEST_CASE("an inventory is one YAML map with hosts") {
    CHECK(error_of("") == "fleet.yaml:1:1: inventory is empty: it has no hosts");
    CHECK(error_of("# nothing yet\n") == "fleet.yaml:1:1: inventory is empty: it has no hosts");
    CHECK(error_of("defaults: {user: x}\nhosts: {}\n") ==
          "fleet.yaml:2:1: inventory is empty: it has no hosts");
    CHECK(error_of("defaults: {user: x}\nhosts:\n") ==
          "fleet.yaml:2:1: inventory is empty: it has no hosts");
    CHECK(error_of("- a\n- b\n") == "fleet.yaml:1:1: an inventory must be a map, not a list");
    CHECK(error_of("hosts:\n  a: {}\n---\nhosts: {}\n") ==
          "fleet.yaml:4:1: an inventory is one YAML document, not 2");
    CHECK(error_of("hosts:\n  - a\n") == "fleet.yaml:2:3: 'hosts' must be a map, not a list");
}

TEST_CASE("unknown keys are named, with the close spelling suggested") {
    CHECK(error_of("hosts:\n  web-1:\n    adress: 10.0.0.1\n") ==
          "fleet.yaml:3:5: unknown key 'adress' (did you mean 'address'?)");
    CHECK(error_of("host:\n  web-1: {}\n") ==
          "fleet.yaml:1:1: unknown key 'host' (did you mean 'hosts'?)");
    CHECK(error_of("defaults:\n  prot: 22\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:3: unknown key 'prot' (did you mean 'port'?)");
    CHECK(error_of("groups:\n  web: {bandwith: 1gbit}\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:9: unknown key 'bandwith' (did you mean 'bandwidth'?)");
    CHECK(
        error_of("hosts:\n  a: {colour: red}\n") ==
        "fleet.yaml:2:7: unknown key 'colour' (expected one of: address, port, user, identity, "
        "known_hosts, jump, become, transport, system, bandwidth, swarm_port, site, rack, closure, "
        "profile, "
        "activate, "
        "health_check, groups, tags)");
}

TEST_CASE("values of the wrong type are refused") {
    CHECK(error_of("hosts:\n  a:\n    user: [root, admin]\n") ==
          "fleet.yaml:3:11: key 'user' must be a single value, not a list");
    CHECK(error_of("hosts:\n  a:\n    address: {ip: 10.0.0.1}\n") ==
          "fleet.yaml:3:14: key 'address' must be a single value, not a map");
    CHECK(error_of("hosts:\n  a:\n    user:\n    port: 22\n") ==
          "fleet.yaml:3:5: key 'user' has no value");
    CHECK(error_of("hosts:\n  a:\n    identity: ~\n") == // a bare ~ is YAML's null
          "fleet.yaml:3:5: key 'identity' has no value");
    CHECK(error_of("hosts:\n  a:\n    port: [2201:2204]\n") ==
          "fleet.yaml:3:11: key 'port' must be a single value, not a list (to write a range, "
          "quote it: \"[2201:2204]\")");
    CHECK(error_of("hosts:\n  a:\n    tags: frontend\n") ==
          "fleet.yaml:3:11: key 'tags' must be a list like [a, b], not a single value");
    CHECK(error_of("hosts:\n  a:\n    tags:\n") ==
          "fleet.yaml:3:5: key 'tags' has no value (write [] for none)");
    CHECK(error_of("hosts:\n  a:\n    tags: [ok, [nested]]\n") ==
          "fleet.yaml:3:16: items of 'tags' must be names, not a list");
    CHECK(error_of("hosts:\n  a: 10.0.0.1\n") ==
          "fleet.yaml:2:6: host 'a' must be a map, not a single value");
    CHECK(error_of("defaults: [user]\nhosts: {a: {}}\n") ==
          "fleet.yaml:1:11: defaults must be a map, not a list");
}

TEST_CASE("ports must be numbers from 1 to 65535") {
    CHECK(error_of("hosts:\n  a:\n    port: 0\n") ==
          "fleet.yaml:3:11: key 'port': '0' is not a port number (1 to 65535)");
    CHECK(error_of("hosts:\n  a:\n    port: 65536\n") ==
          "fleet.yaml:3:11: key 'port': '65536' is not a port number (1 to 65535)");
    CHECK(error_of("hosts:\n  a:\n    port: ssh\n") ==
          "fleet.yaml:3:11: key 'port': 'ssh' is not a port number (1 to 65535)");
    CHECK(error_of("hosts:\n  a:\n    port: -22\n") ==
          "fleet.yaml:3:11: key 'port': '-22' is not a port number (1 to 65535)");
    CHECK(error_of("defaults:\n  swarm_port: 70000\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:15: key 'swarm_port': '70000' is not a port number (1 to 65535)");
}

TEST_CASE("bad bandwidths are named with the key") {
    CHECK(error_of("hosts:\n  a:\n    bandwidth: 10\n") ==
          "fleet.yaml:3:16: key 'bandwidth': bandwidth '10' has no unit; use bit, kbit, mbit, "
          "gbit, tbit (bits) or k, M, G, T (bytes)");
    CHECK(error_of("hosts:\n  a:\n    bandwidth: 0gbit\n") ==
          "fleet.yaml:3:16: key 'bandwidth': bandwidth '0gbit' is zero");
    CHECK(error_of("hosts:\n  a:\n    bandwidth: -1gbit\n") ==
          "fleet.yaml:3:16: key 'bandwidth': bandwidth '-1gbit' is negative");
}

TEST_CASE("other bad values are named with the key") {
    CHECK(error_of("hosts:\n  a:\n    user: \"ro ot\"\n") ==
          "fleet.yaml:3:11: key 'user': user 'ro ot' is empty or has blanks");
    CHECK(error_of("hosts:\n  a:\n    address: \"\"\n") ==
          "fleet.yaml:3:14: key 'address': address '' is empty or has blanks");
    CHECK(error_of("hosts:\n  a:\n    site: fra/1\n") ==
          "fleet.yaml:3:11: key 'site': site 'fra/1' may only hold letters, digits, '.', '-' and "
          "'_'");
    CHECK(error_of("hosts:\n  a:\n    identity: ~bob/key\n") ==
          "fleet.yaml:3:15: key 'identity': path '~bob/key': only '~' and '~/...' are expanded, "
          "not '~user'");
    CHECK(error_of("hosts:\n  a:\n    closure: result\n") ==
          "fleet.yaml:3:14: key 'closure': closure 'result' is not an absolute store path");
    CHECK(error_of("hosts:\n  a:\n    tags: [ok, \"not ok\"]\n") ==
          "fleet.yaml:3:16: tag 'not ok' may only hold letters, digits, '.', '-' and '_'");
    CHECK(error_of("hosts:\n  \"web 1\": {}\n") ==
          "fleet.yaml:2:3: host name 'web 1' may only hold letters, digits, '.', '-' and '_'");
    CHECK(error_of("groups:\n  \"a*\": {}\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:3: group name 'a*' may only hold letters, digits, '.', '-' and '_'");
}

TEST_CASE("duplicate hosts name where the first one was defined") {
    CHECK(error_of("hosts:\n  web-1: {}\n  db-1: {}\n  web-1: {}\n") ==
          "fleet.yaml:4:3: duplicate host 'web-1' (first defined at fleet.yaml:2:3)");
    CHECK(error_of("hosts:\n  web-[01:16]: {}\n  web-03: {}\n") ==
          "fleet.yaml:3:3: duplicate host 'web-03' (first defined at fleet.yaml:2:3)");
    CHECK(error_of("hosts:\n  web-[1:4]: {}\n  web-[4:8]: {}\n") ==
          "fleet.yaml:3:3: duplicate host 'web-4' (first defined at fleet.yaml:2:3)");
    CHECK(error_of("hosts:\n  a:\n    port: 22\n    port: 23\n") ==
          "fleet.yaml:4:5: duplicate key 'port' (first defined at fleet.yaml:3:5)");
    CHECK(error_of("groups:\n  g: {}\n  g: {}\nhosts: {a: {}}\n") ==
          "fleet.yaml:3:3: duplicate group 'g' (first defined at fleet.yaml:2:3)");
}

TEST_CASE("range mistakes point at the host name or the value") {
    CHECK(error_of("hosts:\n  web-[5:1]: {}\n") ==
          "fleet.yaml:2:3: range '[5:1]' in 'web-[5:1]' runs backwards");
    CHECK(error_of("hosts:\n  web-[1:200000]: {}\n") ==
          "fleet.yaml:2:3: range '[1:200000]' in 'web-[1:200000]' has more than 100000 values");
    CHECK(error_of("hosts:\n  web-[a:c]: {}\n") ==
          "fleet.yaml:2:3: '[a:c]' in 'web-[a:c]' is not a range; write [START:END] with decimal "
          "numbers");
    CHECK(error_of("hosts:\n  web-[01:16]:\n    address: 10.0.1.[11:14]\n") ==
          "fleet.yaml:3:14: key 'address' expands to 4 values, but host 'web-[01:16]' names 16 "
          "hosts; ranges in one entry go in lockstep and need equal lengths");
    CHECK(error_of("hosts:\n  db-1:\n    address: 10.0.1.[11:14]\n") ==
          "fleet.yaml:3:14: key 'address' holds a range, but host 'db-1' is not a range; ranges "
          "in values only go with a range in the host name");
    CHECK(error_of("hosts:\n  web-[1:2]:\n    address: 10.0.1.[1:x]\n") ==
          "fleet.yaml:3:14: key 'address': '[1:x]' in '10.0.1.[1:x]' is not a range; write "
          "[START:END] with decimal numbers");
    CHECK(error_of("hosts:\n  web-[1:3]:\n    port: \"[65534:65536]\"\n") ==
          "fleet.yaml:3:11: key 'port': '65536' is not a port number (1 to 65535)");
    CHECK(error_of("defaults:\n  rack: r[1:2]\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:9: key 'rack' holds a range, which defaults may not: ranges belong in "
          "host entries whose name is a range");
}

TEST_CASE("groups must exist, be listed once and not nest") {
    CHECK(error_of("groups:\n  web: {}\nhosts:\n  a: {groups: [wbe]}\n") ==
          "fleet.yaml:4:16: unknown group 'wbe' (did you mean 'web'?)");
    CHECK(error_of("hosts:\n  a:\n    groups: [db]\n") ==
          "fleet.yaml:3:14: unknown group 'db' (define it under 'groups:')");
    CHECK(error_of("groups:\n  web: {}\nhosts:\n  a: {groups: [web, web]}\n") ==
          "fleet.yaml:4:21: group 'web' is listed twice");
    CHECK(error_of("groups:\n  web: {groups: [db]}\n  db: {}\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:9: 'groups' is not allowed in group 'web': list a host's groups in its "
          "own entry (groups do not nest)");
    CHECK(error_of("defaults:\n  groups: [db]\nhosts: {a: {}}\n") ==
          "fleet.yaml:2:3: 'groups' is not allowed in defaults: list a host's groups in its own "
          "entry (groups do not nest)");
}

TEST_CASE("errors are usage errors") {
    CHECK_THROWS_AS(shoal::inventory::test::parse("hosts: {}\n"), shoal::util::UsageError);
}

TEST_CASE("a profile must be a name or an absolute path, and commands must say something") {
    CHECK(error_of("hosts:\n  a: {profile: nix/system}\n") ==
          "fleet.yaml:2:16: key 'profile': 'nix/system' is neither a name (as in "
          "/nix/var/nix/profiles/NAME) nor an absolute path");
    CHECK(error_of("hosts:\n  a: {activate: \"  \"}\n") ==
          "fleet.yaml:2:17: key 'activate': the command is empty");
}

TEST_CASE("a document yaml-cpp would loop on is a syntax error at its place") {
    CHECK(error_of(",") == "fleet.yaml:1:1: YAML syntax error: unexpected ','");
}
