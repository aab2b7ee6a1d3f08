#include "inventory/settings_reader.hpp"

#include "inventory/host_fields.hpp"
#include "inventory/invalid_value.hpp"
#include "inventory/names.hpp"
#include "inventory/range_expansion.hpp"
#include "inventory/spelling_suggestion.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace shoal::inventory {

SettingsReader::SettingsReader(const YamlReader& yaml, const PathResolver& paths)
    : yaml_(yaml), paths_(paths) {}

HostSettings SettingsReader::read_shared(const YAML::Node& map, std::string_view what) const {
    return read(map, Scope{std::string(what)}).hosts.front();
}

HostEntrySettings SettingsReader::read_host(const YAML::Node& name_key, const YAML::Node& map,
                                            std::size_t host_count) const {
    const auto& name = name_key.Scalar();
    return read(map, Scope{fmt::format("host '{}'", name), host_count, true, has_range(name)});
}

HostEntrySettings SettingsReader::read(const YAML::Node& map, const Scope& scope) const {
    HostEntrySettings entry;
    entry.hosts.resize(scope.host_count);
    for (const auto& [key, value] : yaml_.map_entries(map, scope.what, "key")) {
        const auto& name = key.Scalar();
        if (name == "jump" && value.IsSequence()) {
            read_jump_list(key, value, entry.hosts);
        } else if (is_scalar_field(name)) {
            read_scalar(key, value, scope, entry.hosts);
        } else if (name == "tags") {
            read_tags(key, value, entry.hosts);
        } else if (name == "groups" && scope.is_host) {
            entry.group_items = yaml_.list(key, value);
        } else if (name == "groups") {
            yaml_.fail(key, fmt::format("'groups' is not allowed in {}: list a host's groups in "
                                        "its own entry (groups do not nest)",
                                        scope.what));
        } else {
            const auto known = host_field_keys();
            const auto hint = did_you_mean(name, known);
            yaml_.fail(key, fmt::format("unknown key '{}'{}", name,
                                        hint.empty() ? fmt::format(" (expected one of: {})",
                                                                   fmt::join(known, ", "))
                                                     : hint));
        }
    }
    return entry;
}

void SettingsReader::read_scalar(const YAML::Node& key, const YAML::Node& value, const Scope& scope,
                                 std::vector<HostSettings>& hosts) const {
    const auto values = values_of(key, value, scope);
    try {
        for (std::size_t index = 0; index < hosts.size(); ++index) {
            assign_scalar_field(hosts[index], key.Scalar(),
                                values.size() == 1 ? values.front() : values[index], paths_);
        }
    } catch (const InvalidValue& e) {
        yaml_.fail(value, fmt::format("key '{}': {}", key.Scalar(), e.what()));
    }
}

std::vector<std::string> SettingsReader::values_of(const YAML::Node& key, const YAML::Node& value,
                                                   const Scope& scope) const {
    const auto text = yaml_.scalar(key, value);
    if (!has_range(text)) {
        return {text};
    }
    if (!scope.is_host) {
        yaml_.fail(value, fmt::format("key '{}' holds a range, which {} may not: ranges belong "
                                      "in host entries whose name is a range",
                                      key.Scalar(), scope.what));
    }
    if (!scope.name_has_range) {
        yaml_.fail(value, fmt::format("key '{}' holds a range, but {} is not a range; ranges "
                                      "in values only go with a range in the host name",
                                      key.Scalar(), scope.what));
    }
    std::vector<std::string> values;
    try {
        values = expand_ranges(text);
    } catch (const InvalidValue& e) {
        yaml_.fail(value, fmt::format("key '{}': {}", key.Scalar(), e.what()));
    }
    if (values.size() != scope.host_count) {
        yaml_.fail(value, fmt::format("key '{}' expands to {} values, but {} names {} hosts; "
                                      "ranges in one entry go in lockstep and need equal lengths",
                                      key.Scalar(), values.size(), scope.what, scope.host_count));
    }
    return values;
}

// A chain of bastions as a YAML list, first hop first: the same as "a,b".
void SettingsReader::read_jump_list(const YAML::Node& key, const YAML::Node& value,
                                    std::vector<HostSettings>& hosts) const {
    std::vector<std::string> hops;
    for (const auto& item : yaml_.list(key, value)) {
        hops.push_back(yaml_.scalar(key, item));
    }
    if (hops.empty()) {
        yaml_.fail(value, "key 'jump': an empty list; write `jump: none` for no bastion");
    }
    const auto chain = fmt::format("{}", fmt::join(hops, ","));
    try {
        for (auto& host : hosts) {
            assign_scalar_field(host, "jump", chain, paths_);
        }
    } catch (const InvalidValue& e) {
        yaml_.fail(value, fmt::format("key 'jump': {}", e.what()));
    }
}

void SettingsReader::read_tags(const YAML::Node& key, const YAML::Node& value,
                               std::vector<HostSettings>& hosts) const {
    HostSettings tagged;
    for (const auto& item : yaml_.list(key, value)) {
        try {
            check_name("tag", item.Scalar());
        } catch (const InvalidValue& e) {
            yaml_.fail(item, e.what());
        }
        tagged.tags.push_back(item.Scalar());
    }
    for (auto& host : hosts) {
        host.overlay(tagged);
    }
}

} // namespace shoal::inventory
