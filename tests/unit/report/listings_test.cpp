#include "report/closure_listing.hpp"
#include "report/host_listing.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

std::vector<shoal::inventory::Host> two_hosts() {
    shoal::inventory::Host web;
    web.name = "web-01";
    web.address = "10.0.1.11";
    web.user = "root";
    web.site = "ams";
    web.bandwidth_bps = 100'000'000;
    web.groups = {"web", "eu"};
    shoal::inventory::Host db = web;
    db.name = "db";
    db.address = "10.0.2.1";
    db.port = 2222;
    db.site = "";
    db.groups = {};
    db.tags = {"primary"};
    shoal::inventory::JumpHost bastion;
    bastion.address = "10.0.0.1";
    bastion.user = "ops";
    db.jump = {bastion};
    return {web, db};
}

std::vector<shoal::nix::PathInfo> two_paths() {
    shoal::nix::PathInfo lib;
    lib.path = "/nix/store/00000000000000000000000000000000-lib";
    lib.nar_size = 1000;
    lib.nar_hash = "sha256:aaaa";
    shoal::nix::PathInfo app = lib;
    app.path = "/nix/store/11111111111111111111111111111111-app";
    app.nar_size = 2048;
    app.references = {lib.path};
    return {lib, app};
}

} // namespace

TEST_CASE("the host table aligns its columns and shows empty fields as '-'") {
    std::ostringstream out;
    shoal::report::write_host_table(out, two_hosts());
    CHECK(out.str() ==
          "NAME    ADDRESS    PORT  USER  VIA              SITE  RACK  BANDWIDTH   GROUPS  TAGS\n"
          "web-01  10.0.1.11  22    root  -                ams   -     100 Mbit/s  web,eu  -\n"
          "db      10.0.2.1   2222  root  ops@10.0.0.1:22  -     -     100 Mbit/s  -       "
          "primary\n");
}

TEST_CASE("the host JSON keeps every field, bandwidth in bits per second") {
    std::ostringstream out;
    shoal::report::write_host_json(out, two_hosts());
    const auto json = nlohmann::json::parse(out.str());
    REQUIRE(json["hosts"].size() == 2);
    CHECK(json["hosts"][0]["name"] == "web-01");
    CHECK(json["hosts"][0]["bandwidth"] == 100'000'000);
    CHECK(json["hosts"][0]["groups"] == nlohmann::json({"web", "eu"}));
    CHECK(json["hosts"][1]["port"] == 2222);
    CHECK(json["hosts"][1]["site"] == "");
    CHECK(json["hosts"][0]["jump"].empty());
    CHECK(json["hosts"][0]["become"] == "none");
    CHECK(json["hosts"][0]["transport"] == "libssh2");
    CHECK(json["hosts"][0]["system"] == "");
    CHECK(json["hosts"][1]["jump"] == nlohmann::json({"ops@10.0.0.1:22"}));
}

TEST_CASE("the closure listing gives one line per path and the totals") {
    std::ostringstream out;
    shoal::report::write_closure_text(out, two_paths());
    CHECK(out.str() == "/nix/store/00000000000000000000000000000000-lib\t1000\tsha256:aaaa\n"
                       "/nix/store/11111111111111111111111111111111-app\t2048\tsha256:aaaa\n"
                       "total: 2 paths, 3048 bytes (3.0 KiB)\n");
}

TEST_CASE("the closure JSON carries references and the totals") {
    std::ostringstream out;
    shoal::report::write_closure_json(out, two_paths());
    const auto json = nlohmann::json::parse(out.str());
    CHECK(json["total_paths"] == 2);
    CHECK(json["total_nar_bytes"] == 3048);
    CHECK(json["paths"][1]["references"] ==
          nlohmann::json({"/nix/store/00000000000000000000000000000000-lib"}));
}
