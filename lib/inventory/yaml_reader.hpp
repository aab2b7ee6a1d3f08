#pragma once

#include "inventory/host.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yaml-cpp/node/node.h>

namespace shoal::inventory {

// Reads the nodes of one YAML file, failing with InventoryErrors that point
// at the node at fault.
class YamlReader {
public:
    explicit YamlReader(std::string file);

    const std::string& file() const { return file_; }
    SourceLocation location(const YAML::Node& node) const;
    [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;

    // The entries of the map `node` (no value counts as an empty map), in file
    // order. `what` names the map in errors ("'hosts'"); `entry` names its keys
    // ("key", "host"): a key given twice fails as a duplicate `entry`.
    std::vector<std::pair<YAML::Node, YAML::Node>>
    map_entries(const YAML::Node& node, std::string_view what, std::string_view entry) const;

    // The text of `value`, which must be a single value, for the map key `key`.
    // (An empty value is reported at its key: yaml-cpp places it at the next token.)
    std::string scalar(const YAML::Node& key, const YAML::Node& value) const;

    // The items of `value`, which must be a list of single values, for `key`.
    std::vector<YAML::Node> list(const YAML::Node& key, const YAML::Node& value) const;

private:
    std::string file_;
};

} // namespace shoal::inventory
