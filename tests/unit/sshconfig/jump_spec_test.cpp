#include "sshconfig/jump_spec.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace shoal::sshconfig;

TEST_CASE("jump hosts are [user@]host[:port], plain or as ssh:// URIs") {
    const auto plain = parse_jump_spec("bastion");
    CHECK(plain.user.empty());
    CHECK(plain.host == "bastion");
    CHECK_FALSE(plain.port);

    const auto full = parse_jump_spec("ops@bastion.example.com:2222");
    CHECK(full.user == "ops");
    CHECK(full.host == "bastion.example.com");
    CHECK(full.port == 2222);
    CHECK(full.to_string() == "ops@bastion.example.com:2222");

    const auto uri = parse_jump_spec("ssh://ops@10.1.0.1:22");
    CHECK(uri.user == "ops");
    CHECK(uri.host == "10.1.0.1");
    CHECK(uri.port == 22);

    const auto v6 = parse_jump_spec("[fd00::1]:2200");
    CHECK(v6.host == "fd00::1");
    CHECK(v6.port == 2200);
    CHECK(v6.to_string() == "[fd00::1]:2200");
    CHECK(parse_jump_spec("fd00::1").host == "fd00::1");
}

TEST_CASE("a chain is comma-separated, first hop first; none is no chain") {
    const auto chain = parse_jump_chain("outer,ops@inner:2222");
    REQUIRE(chain.size() == 2);
    CHECK(chain[0].host == "outer");
    CHECK(chain[1].host == "inner");
    CHECK(parse_jump_chain("none").empty());
}

TEST_CASE("bad jump hosts are refused with what is wrong") {
    CHECK_THROWS_WITH_AS(parse_jump_spec("bastion:99999"),
                         "jump host 'bastion:99999': port '99999' is not a number from 1 to 65535",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(parse_jump_spec("@bastion"), "jump host '@bastion': empty user before '@'",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(parse_jump_spec("ops@"), "jump host 'ops@': no host name",
                         shoal::util::UsageError);
    CHECK_THROWS_WITH_AS(parse_jump_spec("[fd00::1"), "jump host '[fd00::1': '[' without ']'",
                         shoal::util::UsageError);
    CHECK_THROWS_AS(parse_jump_chain("a,,b"), shoal::util::UsageError);
    CHECK_THROWS_AS(parse_jump_spec("bas tion"), shoal::util::UsageError);
}
