#include "inventory/yaml_reader.hpp"

#include "inventory/inventory_error.hpp"

#include <fmt/format.h>
#include <unordered_map>
#include <yaml-cpp/yaml.h>

namespace shoal::inventory {
namespace {

std::string_view describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a map";
    case YAML::NodeType::Scalar:
        return "a single value";
    default:
        return "an empty value";
    }
}

// `port: [2201:2204]` is a YAML list holding "2201:2204": the user meant a range.
std::string range_hint(const YAML::Node& value) {
    if (value.IsSequence() && value.size() == 1 && value[0].IsScalar() &&
        value[0].Scalar().find(':') != std::string::npos) {
        return fmt::format(" (to write a range, quote it: \"[{}]\")", value[0].Scalar());
    }
    return {};
}

} // namespace

YamlReader::YamlReader(std::string file) : file_(std::move(file)) {}

SourceLocation YamlReader::location(const YAML::Node& node) const {
    const auto mark = node.Mark();
    if (mark.is_null()) {
        return {file_, 0, 0};
    }
    return {file_, mark.line + 1, mark.column + 1};
}

void YamlReader::fail(const YAML::Node& at, const std::string& message) const {
    throw InventoryError(location(at), message);
}

std::vector<std::pair<YAML::Node, YAML::Node>>
YamlReader::map_entries(const YAML::Node& node, std::string_view what,
                        std::string_view entry) const {
    if (node.IsNull()) {
        return {};
    }
    if (!node.IsMap()) {
        fail(node, fmt::format("{} must be a map, not {}", what, describe(node)));
    }
    std::vector<std::pair<YAML::Node, YAML::Node>> entries;
    std::unordered_map<std::string, YAML::Node> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) {
            fail(it->first,
                 fmt::format("keys of {} must be names, not {}", what, describe(it->first)));
        }
        const auto [first, fresh] = seen.emplace(it->first.Scalar(), it->first);
        if (!fresh) {
            fail(it->first,
                 fmt::format("duplicate {} '{}' (first defined at {})", entry, it->first.Scalar(),
                             format_location(location(first->second))));
        }
        entries.emplace_back(it->first, it->second);
    }
    return entries;
}

std::string YamlReader::scalar(const YAML::Node& key, const YAML::Node& value) const {
    if (value.IsNull()) {
        fail(key, fmt::format("key '{}' has no value", key.Scalar()));
    }
    if (!value.IsScalar()) {
        fail(value, fmt::format("key '{}' must be a single value, not {}{}", key.Scalar(),
                                describe(value), range_hint(value)));
    }
    return value.Scalar();
}

std::vector<YAML::Node> YamlReader::list(const YAML::Node& key, const YAML::Node& value) const {
    if (value.IsNull()) {
        fail(key, fmt::format("key '{}' has no value (write [] for none)", key.Scalar()));
    }
    if (!value.IsSequence()) {
        fail(value, fmt::format("key '{}' must be a list like [a, b], not {}", key.Scalar(),
                                describe(value)));
    }
    std::vector<YAML::Node> items;
    for (const auto& item : value) {
        if (!item.IsScalar()) {
            fail(item,
                 fmt::format("items of '{}' must be names, not {}", key.Scalar(), describe(item)));
        }
        items.push_back(item);
    }
    return items;
}

} // namespace shoal::inventory
