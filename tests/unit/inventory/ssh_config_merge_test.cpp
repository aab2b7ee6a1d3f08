#include "inventory/inventory.hpp"
#include "parse_helpers.hpp"
#include "support/temporary_directory.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace shoal::inventory;
using shoal::inventory::test::error_of;
using shoal::inventory::test::parse;

namespace {

// Parses `yaml` with `ssh_config` written next to it and named by the inventory's `ssh_config:`.
Inventory parse_with_ssh_config(const TemporaryDirectory& dir, const std::string& ssh_config,
                                const std::string& yaml) {
    std::ofstream(dir.path() / "ssh_config") << ssh_config;
    return parse_inventory("ssh_config: ssh_config\n" + yaml, "fleet.yaml", dir.path(),
                           LocalUser{"alice", "/home/alice"});
}

const std::string fleet_ssh_config = R"(Host gate
    HostName 192.0.2.1
    User ops
    Port 2200
    IdentityFile /keys/gate
Host web-* !web-9
    HostName 10.0.0.%h
    ProxyJump gate
Host *
    User deploy
    Port 2222
    IdentityFile /keys/fleet
    IdentitiesOnly yes
    UserKnownHostsFile /fleet/known_hosts
    StrictHostKeyChecking accept-new
    ConnectTimeout 4
    ServerAliveInterval 10
)";

} // namespace

TEST_CASE("ssh_config fills in what the inventory leaves out, and never wins over it") {
    TemporaryDirectory dir;
    const auto inventory = parse_with_ssh_config(dir, fleet_ssh_config, R"(
hosts:
  web-1: {}
  web-2: { user: root, port: 22, identity: /keys/own, known_hosts: /own/known_hosts }
  db: { address: db.internal }
)");
    const auto& web1 = inventory.hosts[0];
    CHECK(web1.address == "10.0.0.web-1");
    CHECK(web1.user == "deploy");
    CHECK(web1.port == 2222);
    CHECK(web1.identities == std::vector<std::string>{"/keys/fleet"});
    CHECK(web1.identities_only);
    CHECK(web1.known_hosts == "/fleet/known_hosts");
    CHECK(web1.accept_new_host_keys == true);
    CHECK(web1.connect_timeout == std::chrono::seconds(4));
    // OpenSSH gives up after three unanswered keepalives.
    CHECK(web1.io_timeout == std::chrono::seconds(30));
    REQUIRE(web1.jump.size() == 1);
    // The bastion is looked up under its own name.
    CHECK(web1.jump[0].address == "192.0.2.1");
    CHECK(web1.jump[0].user == "ops");
    CHECK(web1.jump[0].port == 2200);
    CHECK(web1.jump[0].identities == std::vector<std::string>{"/keys/gate", "/keys/fleet"});
    CHECK(web1.jump[0].known_hosts == "/fleet/known_hosts");

    const auto& web2 = inventory.hosts[1];
    CHECK(web2.user == "root");
    CHECK(web2.port == 22);
    CHECK(web2.identities == std::vector<std::string>{"/keys/own"});
    CHECK(web2.known_hosts == "/own/known_hosts");

    // Host patterns match the inventory's address when it gives one.
    const auto& db = inventory.hosts[2];
    CHECK(db.address == "db.internal");
    CHECK(db.jump.empty());
    CHECK(db.user == "deploy");
}

TEST_CASE("the inventory's jump wins over ProxyJump; `none` turns it off") {
    TemporaryDirectory dir;
    const auto inventory = parse_with_ssh_config(dir, fleet_ssh_config, R"(
hosts:
  web-1: { jump: none }
  web-2: { jump: "root@198.51.100.7:22,gate" }
  web-3: { jump: [ "root@198.51.100.7", "admin@gate" ] }
)");
    CHECK(inventory.hosts[0].jump.empty());
    const auto& chain = inventory.hosts[1].jump;
    REQUIRE(chain.size() == 2);
    CHECK(chain[0].address == "198.51.100.7");
    CHECK(chain[0].user == "root");
    CHECK(chain[0].port == 22);
    CHECK(chain[0].written == "root@198.51.100.7:22");
    CHECK(chain[1].address == "192.0.2.1");
    const auto& listed = inventory.hosts[2].jump;
    REQUIRE(listed.size() == 2);
    // A user written in the hop wins over the hop's ssh_config User.
    CHECK(listed[1].user == "admin");
    CHECK(listed[1].port == 2200);
}

TEST_CASE("without ssh_config, a bastion has the host's keys and the local user") {
    const auto inventory = parse(R"(
defaults: { identity: /keys/fleet, known_hosts: /fleet/known_hosts, user: root }
hosts:
  a: { address: 10.0.0.5, jump: bastion.example.com }
)");
    const auto& hop = inventory.hosts[0].jump.at(0);
    CHECK(hop.address == "bastion.example.com");
    CHECK(hop.user == "alice");
    CHECK(hop.port == 22);
    CHECK(hop.identities == std::vector<std::string>{"/keys/fleet"});
    CHECK(hop.known_hosts == "/fleet/known_hosts");
    CHECK_FALSE(inventory.hosts[0].accept_new_host_keys);
    CHECK(inventory.hosts[0].ssh_config_notes.empty());
}

TEST_CASE("settings not followed are noted per host; StrictHostKeyChecking no is accept-new") {
    TemporaryDirectory dir;
    const auto inventory = parse_with_ssh_config(dir,
                                                 "Host *\n  StrictHostKeyChecking no\n"
                                                 "  ProxyCommand nc %h %p\n",
                                                 "hosts:\n  a: {}\n");
    const auto& host = inventory.hosts[0];
    CHECK(host.accept_new_host_keys == true);
    REQUIRE(host.ssh_config_notes.size() == 2);
    CHECK(host.ssh_config_notes[0].find("proxycommand is not followed") != std::string::npos);
    CHECK(host.ssh_config_notes[1].starts_with("StrictHostKeyChecking no is taken as accept-new"));
}

TEST_CASE("bad jump hosts and ssh_config files are named where they are written") {
    CHECK(error_of("hosts:\n  a: { jump: 'x:0' }\n") ==
          "fleet.yaml:2:14: key 'jump': jump host 'x:0': port '0' is not a number from 1 to "
          "65535");
    CHECK(error_of("hosts:\n  a: { jump: [] }\n") ==
          "fleet.yaml:2:14: key 'jump': an empty list; write `jump: none` for no bastion");
    CHECK(error_of("ssh_config: missing_config\nhosts:\n  a: {}\n") ==
          "fleet.yaml:1:13: key 'ssh_config': cannot read the ssh configuration "
          "/srv/fleet/missing_config: no such file");
    TemporaryDirectory dir;
    CHECK_THROWS_WITH(parse_with_ssh_config(dir, "Host *\n  Port x\n", "hosts:\n  a: {}\n"),
                      doctest::Contains("ssh_config:2: port: 'x' is not a number"));
}

TEST_CASE("become: sudo runs a host's commands through sudo; none undoes a lower layer's") {
    const auto inventory = parse(R"(
defaults: { become: sudo }
hosts:
  a: {}
  b: { become: none }
)");
    CHECK(inventory.hosts[0].become_sudo);
    CHECK_FALSE(inventory.hosts[1].become_sudo);
    CHECK(error_of("hosts:\n  a: { become: doas }\n") ==
          "fleet.yaml:2:16: key 'become': 'doas': expected sudo (run shoal's commands as root "
          "through sudo -n) or none");
}
