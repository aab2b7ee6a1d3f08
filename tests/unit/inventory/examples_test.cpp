// The inventories shipped in inventory-examples/ load and mean what their comments say.
#include "inventory/inventory.hpp"
#include "inventory/inventory_error.hpp"
#include "inventory/selection.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <map>

using shoal::inventory::Host;
using shoal::inventory::load_inventory;
using Names = std::vector<std::string>;

namespace {

std::string example(const std::string& name) {
    return std::string(SHOAL_SOURCE_DIR) + "/inventory-examples/" + name;
}

const Host& find(const std::vector<Host>& hosts, const std::string& name) {
    const auto it = std::find_if(hosts.begin(), hosts.end(),
                                 [&](const Host& host) { return host.name == name; });
    REQUIRE(it != hosts.end());
    return *it;
}

} // namespace

TEST_CASE("lab.yaml: three builders from a range and a NAS") {
    const auto inventory = load_inventory(example("lab.yaml"));
    REQUIRE(inventory.hosts.size() == 4);
    const auto& lab2 = find(inventory.hosts, "lab-2");
    CHECK(lab2.address == "192.168.7.12");
    CHECK(lab2.user == "nixadmin");
    CHECK(lab2.rack == "r2");
    CHECK(lab2.site == "lab");
    CHECK(lab2.identities == std::vector<std::string>{std::string(SHOAL_SOURCE_DIR) +
                                                      "/inventory-examples/keys/lab_ed25519"});
    CHECK(lab2.tags == Names{"builder"});
    const auto& nas = find(inventory.hosts, "nas");
    CHECK(nas.port == 2222);
    CHECK(nas.user == "admin");
    CHECK(nas.bandwidth_bps == 100'000'000);
    CHECK(nas.groups == Names{"storage"});
    CHECK(nas.openssh);
    CHECK_FALSE(lab2.openssh);
}

TEST_CASE("ci-fleet.yaml: 128 hosts, 2 sites x 4 racks x 16") {
    const auto inventory = load_inventory(example("ci-fleet.yaml"));
    REQUIRE(inventory.hosts.size() == 128);
    std::map<std::pair<std::string, std::string>, int> per_rack;
    for (const auto& host : inventory.hosts) {
        ++per_rack[{host.site, host.rack}];
        CHECK(host.user == "deploy");
        CHECK(host.known_hosts == "/etc/ssh/ssh_known_hosts");
    }
    CHECK(per_rack.size() == 8);
    for (const auto& [rack, count] : per_rack) {
        CHECK(count == 16);
    }
    const auto& sample = find(inventory.hosts, "fra-r2-05");
    CHECK(sample.address == "10.1.2.15");
    CHECK(sample.site == "fra");
    CHECK(sample.rack == "r2");
    CHECK(sample.bandwidth_bps == 10'000'000'000);
    CHECK(find(inventory.hosts, "ams-r1-16").address == "10.2.1.26");
    CHECK(find(inventory.hosts, "ams-r1-16").bandwidth_bps == 1'000'000'000);
    const auto gpu = shoal::inventory::select_hosts(inventory, {.groups = {"gpu"}});
    CHECK(gpu.size() == 16);
    CHECK(gpu.front().bandwidth_bps == 25'000'000'000); // gpu is listed after ams
}

TEST_CASE("a missing inventory file is a usage error naming the file") {
    CHECK_THROWS_WITH_AS(
        load_inventory(example("missing.yaml")),
        (example("missing.yaml") + ": cannot read inventory: No such file or directory").c_str(),
        shoal::inventory::InventoryError);
    CHECK_THROWS_WITH_AS(
        load_inventory(SHOAL_SOURCE_DIR),
        (std::string(SHOAL_SOURCE_DIR) + ": cannot read inventory: it is a directory").c_str(),
        shoal::inventory::InventoryError);
}
