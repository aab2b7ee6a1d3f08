#pragma once

#include "inventory/host_settings.hpp"
#include "inventory/path_resolver.hpp"
#include "inventory/yaml_reader.hpp"

#include <string_view>
#include <vector>

namespace shoal::inventory {

// What one entry of `hosts:` sets.
struct HostEntrySettings {
    std::vector<HostSettings> hosts;     // one per host the entry names, in order
    std::vector<YAML::Node> group_items; // its `groups:` list, not yet checked against `groups:`
};

// Reads the maps of settings that defaults, groups and hosts hold, checking
// every key and value.
class SettingsReader {
public:
    SettingsReader(const YamlReader& yaml, const PathResolver& paths);

    // `defaults:` or one group: settings shared by many hosts, so they may
    // hold neither ranges nor `groups`. `what` names the map in errors.
    HostSettings read_shared(const YAML::Node& map, std::string_view what) const;

    // One entry of `hosts:` whose key `name_key` names `host_count` hosts
    // (more than one only through a range). A range in a value gives every
    // host its own value, in lockstep with the name's range.
    HostEntrySettings read_host(const YAML::Node& name_key, const YAML::Node& map,
                                std::size_t host_count) const;

private:
    struct Scope {
        std::string what;
        std::size_t host_count = 1;
        bool is_host = false;
        bool name_has_range = false;
    };

    HostEntrySettings read(const YAML::Node& map, const Scope& scope) const;
    void read_scalar(const YAML::Node& key, const YAML::Node& value, const Scope& scope,
                     std::vector<HostSettings>& hosts) const;
    std::vector<std::string> values_of(const YAML::Node& key, const YAML::Node& value,
                                       const Scope& scope) const;
    void read_jump_list(const YAML::Node& key, const YAML::Node& value,
                        std::vector<HostSettings>& hosts) const;
    void read_tags(const YAML::Node& key, const YAML::Node& value,
                   std::vector<HostSettings>& hosts) const;

    const YamlReader& yaml_;
    const PathResolver& paths_;
};

} // namespace shoal::inventory
