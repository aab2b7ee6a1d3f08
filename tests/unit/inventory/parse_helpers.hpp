#pragma once

#include "inventory/inventory.hpp"
#include "inventory/inventory_error.hpp"

#include <doctest/doctest.h>
#include <string>
#include <string_view>

namespace shoal::inventory::test {

// Parses `yaml` as "fleet.yaml" in /srv/fleet, for user alice (home /home/alice).
inline Inventory parse(std::string_view yaml) {
    return parse_inventory(yaml, "fleet.yaml", "/srv/fleet", LocalUser{"alice", "/home/alice"});
}

// The message of the InventoryError that parsing `yaml` throws.
inline std::string error_of(std::string_view yaml) {
    try {
        parse(yaml);
    } catch (const InventoryError& e) {
        return e.what();
    }
    FAIL("no InventoryError for:\n" << yaml);
    return {};
}

} // namespace shoal::inventory::test
