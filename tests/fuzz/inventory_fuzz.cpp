// Inventory YAML: parse_inventory either returns resolved hosts or throws an
// InventoryError that names the file; anything else escaping is a finding.
#include "fuzz_check.hpp"
#include "inventory/inventory.hpp"
#include "inventory/inventory_error.hpp"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

using shoal::fuzz::require;
namespace inventory = shoal::inventory;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto parsed =
            inventory::parse_inventory(text, "fleet.yaml", "/srv/fleet", {"alice", "/home/alice"});
        require(!parsed.hosts.empty(), "a parsed inventory has hosts");
        std::set<std::string> names;
        for (const auto& host : parsed.hosts) {
            require(!host.name.empty() && !host.address.empty(), "hosts have names and addresses");
            require(names.insert(host.name).second, "host names are unique");
            require(host.known_hosts.starts_with('/'), "known_hosts paths are absolute");
        }
    } catch (const inventory::InventoryError& e) {
        require(std::string_view(e.what()).starts_with("fleet.yaml"), "errors name the file");
    }
    return 0;
}
