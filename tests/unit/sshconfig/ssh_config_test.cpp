#include "sshconfig/ssh_config.hpp"
#include "support/temporary_directory.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace shoal::sshconfig;

namespace {

const ConfigEnvironment alice{"/home/alice", "alice"};

HostConfig lookup(const std::string& text, const std::string& host) {
    return SshConfig::parse(text, "config", alice).lookup(host);
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

} // namespace

TEST_CASE("the first matching value of each keyword wins") {
    const std::string config = R"(# fleet
Host web-*
    HostName %h.internal.example.com
    User deploy
    Port 2222

Host web-1
    User other
    IdentityFile ~/.ssh/web_%r

Host *
    User=fallback
    Port = 22
    IdentityFile "%d/.ssh/id %u"
    ConnectTimeout 7
)";
    const auto web = lookup(config, "web-1");
    CHECK(web.hostname == "web-1.internal.example.com");
    CHECK(web.user == "deploy");
    CHECK(web.port == 2222);
    // IdentityFile adds up, in order, with tokens for the final user and host.
    CHECK(web.identity_files ==
          std::vector<std::string>{"/home/alice/.ssh/web_deploy", "/home/alice/.ssh/id alice"});
    CHECK(web.connect_timeout == std::chrono::seconds(7));

    const auto db = lookup(config, "db-1");
    CHECK_FALSE(db.hostname);
    CHECK(db.user == "fallback");
    CHECK(db.port == 22);
}

TEST_CASE("negated patterns exclude hosts; lines before any Host apply to all") {
    const auto config = R"(IdentitiesOnly yes
Host * !db-*
    ProxyJump ops@bastion:2200
Host db-*
    ProxyJump none
)";
    CHECK(lookup(config, "web-1").proxy_jump == "ops@bastion:2200");
    CHECK(lookup(config, "db-2").proxy_jump == "none");
    CHECK(lookup(config, "db-2").identities_only == true);
}

TEST_CASE("host key checking, known hosts and keepalives") {
    const auto config = R"(Host a
    StrictHostKeyChecking accept-new
    UserKnownHostsFile ~/.ssh/fleet_hosts /etc/other
    ServerAliveInterval 15
    ServerAliveCountMax 4
Host b
    StrictHostKeyChecking ask
Host c
    StrictHostKeyChecking no
)";
    const auto a = lookup(config, "a");
    CHECK(a.host_key_checking == HostKeyChecking::accept_new);
    CHECK(a.known_hosts_file == "/home/alice/.ssh/fleet_hosts");
    CHECK(a.server_alive_interval == std::chrono::seconds(15));
    CHECK(a.server_alive_count_max == 4U);
    CHECK(lookup(config, "b").host_key_checking == HostKeyChecking::yes);
    CHECK(lookup(config, "c").host_key_checking == HostKeyChecking::no);
}

TEST_CASE("settings shoal does not follow are reported once, with what it does instead") {
    const auto config = R"(Host *
    ProxyCommand ssh -W %h:%p gateway
    CertificateFile ~/.ssh/id-cert.pub
    CertificateFile ~/.ssh/other-cert.pub
    SendEnv LANG
Match user root
    Port 2
)";
    const auto host = lookup(config, "x");
    REQUIRE(host.not_followed.size() == 3);
    CHECK(host.not_followed[0] ==
          "config:2: proxycommand is not followed: shoal connects directly; for a bastion use "
          "ProxyJump or the inventory's `jump:`");
    CHECK(host.not_followed[1] ==
          "config:3: certificatefile is not followed: shoal offers the plain key, without its "
          "certificate");
    CHECK(host.not_followed[2].starts_with("config:6: Match blocks are not evaluated"));
    // The Match block's settings are left out.
    CHECK_FALSE(host.port);
}

TEST_CASE("Include reads files relative to ~/.ssh, globbed, under the enclosing Host") {
    TemporaryDirectory home;
    const ConfigEnvironment environment{home.path(), "alice"};
    write(home.path() / ".ssh" / "config.d" / "10-racks.conf", "Host rack-*\n    User racker\n");
    write(home.path() / ".ssh" / "config.d" / "20-all.conf", "Port 2022\n");
    write(home.path() / ".ssh" / "web.conf", "User webber\nHost *\n    IdentitiesOnly yes\n");
    write(home.path() / ".ssh" / "config", R"(Include config.d/*.conf
Host web-*
    Include web.conf
Host *
    User everyone
)");
    const auto config = SshConfig::load_file(home.path() / ".ssh" / "config", environment);
    CHECK(config.lookup("rack-1").user == "racker");
    CHECK(config.lookup("rack-1").port == 2022);
    CHECK(config.lookup("web-1").user == "webber");
    CHECK(config.lookup("web-1").identities_only == true);
    CHECK(config.lookup("other").user == "everyone");
    // web.conf's own `Host *` cannot match when the Host around its Include did not.
    CHECK_FALSE(config.lookup("other").identities_only);
    CHECK(config.lookup("db-1").port == 2022);
}

TEST_CASE("an Include cycle ends with an error naming the line") {
    TemporaryDirectory home;
    const ConfigEnvironment environment{home.path(), "alice"};
    write(home.path() / ".ssh" / "config", "Include config\n");
    CHECK_THROWS_AS(SshConfig::load_file(home.path() / ".ssh" / "config", environment),
                    shoal::util::UsageError);
}

TEST_CASE("mistakes name FILE:LINE and the keyword, matched or not") {
    CHECK_THROWS_WITH_AS(lookup("Host never\n  Port http\n", "x"),
                         "config:2: port: 'http' is not a number from 0 to 65535",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(lookup("Host x\n  IdentitiesOnly maybe\n", "x"),
                         "config:2: identitiesonly: 'maybe': expected yes or no",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(lookup("Host x\n  ProxyJump a:0\n", "x"),
                         "config:2: proxyjump: jump host 'a:0': port '0' is not a number from 1 "
                         "to 65535",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(lookup("Host x\n  HostName \"x\n", "x"),
                         "config:2: a quoted argument has no closing '\"'",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(lookup("Host x\n  IdentityFile ~/.ssh/%C\n", "x"),
                         "config:2: identityfile: '~/.ssh/%C': shoal expands only %%, %d, %u, "
                         "%h, %r here",
                         shoal::util::UsageError);
    CHECK_THROWS_AS(lookup("Host\n", "x"), shoal::util::UsageError);
    CHECK_THROWS_AS(SshConfig::load_file("/nonexistent/ssh_config", alice),
                    shoal::util::UsageError);
}

TEST_CASE("no configuration says nothing") {
    const auto host = SshConfig().lookup("anything");
    CHECK_FALSE(host.hostname);
    CHECK(host.identity_files.empty());
    CHECK(host.not_followed.empty());
}
