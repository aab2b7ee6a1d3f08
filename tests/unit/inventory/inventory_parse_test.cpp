#include "parse_helpers.hpp"

#include <doctest/doctest.h>

using shoal::inventory::test::error_of;
using shoal::inventory::test::parse;
using Names = std::vector<std::string>;

TEST_CASE("a host with no settings gets the built-in defaults") {
    const auto inventory = parse("hosts:\n  db-1: {}\n  db-2:\n");
    CHECK(inventory.file == "fleet.yaml");
    REQUIRE(inventory.hosts.size() == 2);
    const auto& host = inventory.hosts.front();
    CHECK(host.name == "db-1");
    CHECK(host.address == "db-1");
    CHECK(host.port == 22);
    CHECK(host.user == "alice");
    CHECK(host.identities.empty());
    CHECK(host.known_hosts == "/home/alice/.ssh/known_hosts");
    CHECK(host.bandwidth_bps == 1'000'000'000);
    CHECK(host.swarm_port == 7400);
    CHECK(host.site.empty());
    CHECK(host.rack.empty());
    CHECK(host.groups.empty());
    CHECK(host.tags.empty());
    CHECK(host.closure.empty());
    CHECK(host.location.file == "fleet.yaml");
    CHECK(host.location.line == 2);
    CHECK(host.location.column == 3);
    CHECK(inventory.hosts[1].name == "db-2");
    CHECK(inventory.hosts[1].location.line == 3);
}

TEST_CASE("every host field is read") {
    const auto host = parse(R"(hosts:
  gw:
    address: 192.0.2.7
    port: 2222
    user: deploy
    identity: /etc/shoal/id_ed25519
    known_hosts: /etc/ssh/ssh_known_hosts
    bandwidth: 250mbit
    swarm_port: "7500"
    site: fra
    rack: r-12
    tags: [edge, gateway]
    closure: /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gw-system
)")
                          .hosts.front();
    CHECK(host.address == "192.0.2.7");
    CHECK(host.port == 2222);
    CHECK(host.user == "deploy");
    CHECK(host.identities == std::vector<std::string>{"/etc/shoal/id_ed25519"});
    CHECK(host.known_hosts == "/etc/ssh/ssh_known_hosts");
    CHECK(host.bandwidth_bps == 250'000'000);
    CHECK(host.swarm_port == 7500);
    CHECK(host.site == "fra");
    CHECK(host.rack == "r-12");
    CHECK(host.tags == Names{"edge", "gateway"});
    CHECK(host.closure == "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gw-system");
}

TEST_CASE("'~' starts at the home directory, relative paths at the inventory's directory") {
    const auto inventory = parse(R"(hosts:
  a: {identity: ~/.ssh/id_ecdsa, known_hosts: "~"}
  b: {identity: keys/b_ed25519, known_hosts: ../known_hosts}
  c: {identity: ""}
)");
    CHECK(inventory.hosts[0].identities == std::vector<std::string>{"/home/alice/.ssh/id_ecdsa"});
    CHECK(inventory.hosts[0].known_hosts == "/home/alice");
    CHECK(inventory.hosts[1].identities == std::vector<std::string>{"/srv/fleet/keys/b_ed25519"});
    CHECK(inventory.hosts[1].known_hosts == "/srv/known_hosts");
    CHECK(inventory.hosts[2].identities.empty());
}

TEST_CASE("precedence: defaults < groups in listed order < the host itself") {
    const auto inventory = parse(R"(defaults:
  user: root
  port: 2200
  bandwidth: 1gbit
  site: fra
  identity: ~/.ssh/deploy
groups:
  slow: {bandwidth: 100mbit, port: 2201}
  fast: {bandwidth: 10gbit}
hosts:
  a: {groups: [slow, fast]}
  b: {groups: [fast, slow]}
  c: {groups: [slow], port: 22, identity: ""}
  d: {}
)");
    const auto& hosts = inventory.hosts;
    CHECK(inventory.groups == Names{"slow", "fast"});
    CHECK(hosts[0].bandwidth_bps == 10'000'000'000); // fast is listed last
    CHECK(hosts[0].port == 2201);                    // only slow sets it
    CHECK(hosts[1].bandwidth_bps == 100'000'000);    // slow is listed last
    CHECK(hosts[2].port == 22);                      // the host beats its group
    CHECK(hosts[2].identities.empty());              // "" undoes the defaults' identity
    CHECK(hosts[3].port == 2200);
    CHECK(hosts[3].bandwidth_bps == 1'000'000'000);
    for (const auto& host : hosts) {
        CHECK(host.user == "root");
        CHECK(host.site == "fra");
    }
    CHECK(hosts[0].identities == std::vector<std::string>{"/home/alice/.ssh/deploy"});
    CHECK(hosts[0].groups == Names{"slow", "fast"});
    CHECK(hosts[1].groups == Names{"fast", "slow"});
}

TEST_CASE("tags add up: defaults, then groups, then the host's own, each once") {
    const auto inventory = parse(R"(defaults: {tags: [managed]}
groups:
  web: {tags: [frontend, managed]}
hosts:
  a: {groups: [web], tags: [canary, frontend]}
  b: {}
)");
    CHECK(inventory.hosts[0].tags == Names{"managed", "frontend", "canary"});
    CHECK(inventory.hosts[1].tags == Names{"managed"});
}

TEST_CASE("a host range shares its entry's settings; value ranges go in lockstep") {
    const auto inventory = parse(R"(hosts:
  web-[01:16]:
    address: 10.0.1.[11:26]
    port: "[2201:2216]"
    rack: r[1:16]
    site: fra
)");
    REQUIRE(inventory.hosts.size() == 16);
    const auto& first = inventory.hosts.front();
    const auto& last = inventory.hosts.back();
    CHECK(first.name == "web-01");
    CHECK(first.address == "10.0.1.11");
    CHECK(first.port == 2201);
    CHECK(first.rack == "r1");
    CHECK(last.name == "web-16");
    CHECK(last.address == "10.0.1.26");
    CHECK(last.port == 2216);
    CHECK(last.rack == "r16");
    CHECK(inventory.hosts[8].name == "web-09");
    CHECK(inventory.hosts[8].address == "10.0.1.19");
    for (const auto& host : inventory.hosts) {
        CHECK(host.site == "fra");
        CHECK(host.location.line == 2);
    }
}

TEST_CASE("a range with several brackets multiplies out, and so do its values") {
    const auto inventory = parse(R"(hosts:
  r[1:2]-n[1:3]:
    address: 10.0.[1:2].[1:3]
)");
    REQUIRE(inventory.hosts.size() == 6);
    CHECK(inventory.hosts[0].name == "r1-n1");
    CHECK(inventory.hosts[0].address == "10.0.1.1");
    CHECK(inventory.hosts[4].name == "r2-n2");
    CHECK(inventory.hosts[4].address == "10.0.2.2");
}

TEST_CASE("hosts keep file order, sections may come in any order") {
    const auto inventory = parse(R"(hosts:
  z: {groups: [g]}
  a-[1:2]: {}
  m: {}
groups:
  g: {user: gee}
defaults: {user: dee}
)");
    Names names;
    for (const auto& host : inventory.hosts) {
        names.push_back(host.name);
    }
    CHECK(names == Names{"z", "a-1", "a-2", "m"});
    CHECK(inventory.hosts[0].user == "gee");
    CHECK(inventory.hosts[3].user == "dee");
}

TEST_CASE("anchors and aliases work as YAML defines them") {
    const auto inventory = parse(R"(hosts:
  a: &common {user: ops, port: 2022}
  b: *common
)");
    CHECK(inventory.hosts[1].user == "ops");
    CHECK(inventory.hosts[1].port == 2022);
}

TEST_CASE("profile, activation and health check are set per host, group or default") {
    const auto inventory = parse(R"(defaults:
  profile: system
  activate: "{closure}/bin/switch-to-configuration switch"
groups:
  runners: {profile: /home/ci/profiles/runner, health_check: systemctl is-active ci-runner}
hosts:
  web-1: {}
  ci-1: {groups: [runners], activate: "{closure}/bin/activate-runner"}
)");
    REQUIRE(inventory.hosts.size() == 2);
    const auto& web = inventory.hosts[0];
    CHECK(web.profile == "system");
    CHECK(web.activate == "{closure}/bin/switch-to-configuration switch");
    CHECK(web.health_check.empty());
    const auto& ci = inventory.hosts[1];
    CHECK(ci.profile == "/home/ci/profiles/runner");
    CHECK(ci.activate == "{closure}/bin/activate-runner");
    CHECK(ci.health_check == "systemctl is-active ci-runner");
}

TEST_CASE("system: names a host's Nix system") {
    const auto hosts = parse(R"(
defaults: { system: x86_64-linux }
hosts:
  pi: { system: aarch64-linux }
  pc: {}
)")
                           .hosts;
    CHECK(hosts[0].system == "aarch64-linux");
    CHECK(hosts[1].system == "x86_64-linux");
    CHECK(parse("hosts:\n  a: {}\n").hosts[0].system.empty());
    CHECK(error_of("hosts:\n  a: { system: arm64 }\n") ==
          "fleet.yaml:2:16: key 'system': 'arm64' is not a Nix system such as x86_64-linux or "
          "aarch64-linux");
}

TEST_CASE("transport: openssh reaches a host through the system's ssh") {
    const auto hosts = parse(R"(
defaults: { transport: openssh }
hosts:
  old: { transport: libssh2 }
  new: { address: new.example }
)")
                           .hosts;
    CHECK_FALSE(hosts[0].openssh);
    CHECK(hosts[1].openssh);
    // What ssh's own configuration matches: the address as written.
    CHECK(hosts[1].ssh_config_name == "new.example");
    CHECK(hosts[0].ssh_config_name == "old");
    CHECK_FALSE(parse("hosts:\n  a: {}\n").hosts[0].openssh);
    CHECK(error_of("hosts:\n  a: { transport: putty }\n") ==
          "fleet.yaml:2:19: key 'transport': 'putty': expected openssh (run the system's ssh, for "
          "RSA keys, certificates and all of ssh_config) or libssh2 (shoal's own SSH, the "
          "default)");
}
