#pragma once

#include "inventory/host_settings.hpp"
#include "inventory/inventory.hpp"
#include "inventory/path_resolver.hpp"
#include "inventory/settings_reader.hpp"
#include "inventory/yaml_reader.hpp"
#include "sshconfig/ssh_config.hpp"

#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace shoal::inventory {

// Turns one inventory file's text into resolved hosts: reads defaults,
// groups and sites, expands host ranges, and merges host > its groups >
// defaults.
class InventoryParser {
public:
    InventoryParser(const std::string& file, const std::filesystem::path& base_dir,
                    LocalUser local_user, SshConfigChoice ssh_config_choice);

    Inventory parse(std::string_view yaml_text);

private:
    YAML::Node load_document(std::string_view yaml_text) const;
    void read_groups(const YAML::Node& groups);
    void read_sites(const YAML::Node& sites);
    void load_ssh_config(const YAML::Node& key, const YAML::Node& value);
    std::vector<JumpHost> resolve_jump(const std::string& chain, const Host& target,
                                       const SourceLocation& location) const;
    void check_sites_used() const;
    void read_hosts(const YAML::Node& hosts_key, const YAML::Node& hosts);
    void read_host_entry(const YAML::Node& key, const YAML::Node& value);
    std::vector<std::string> host_names(const YAML::Node& key) const;
    std::vector<std::string> group_names(const std::vector<YAML::Node>& items) const;
    Host resolve(const std::string& name, const HostSettings& own,
                 const std::vector<std::string>& groups, const SourceLocation& location) const;

    YamlReader yaml_;
    PathResolver paths_;
    SettingsReader settings_;
    LocalUser local_user_;
    SshConfigChoice ssh_config_choice_;
    sshconfig::SshConfig ssh_config_;
    std::string ssh_config_file_; // the file ssh_config_ came from; empty: ssh's default ones
    std::string default_known_hosts_;
    HostSettings defaults_;
    std::unordered_map<std::string, HostSettings> group_settings_;
    std::vector<std::pair<YAML::Node, std::uint64_t>> sites_;        // name key, uplink in bit/s
    std::unordered_map<std::string, SourceLocation> host_locations_; // to report duplicates
    Inventory inventory_;
};

} // namespace shoal::inventory
