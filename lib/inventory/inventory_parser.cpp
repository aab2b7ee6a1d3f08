#include "inventory/inventory_parser.hpp"

#include "inventory/bandwidth.hpp"
#include "inventory/invalid_value.hpp"
#include "inventory/inventory_error.hpp"
#include "inventory/names.hpp"
#include "inventory/range_expansion.hpp"
#include "inventory/spelling_suggestion.hpp"
#include "sshconfig/jump_spec.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <sstream>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace shoal::inventory {
namespace {

const std::vector<std::string>& top_level_keys() {
    static const std::vector<std::string> keys{"defaults", "groups", "sites", "ssh_config",
                                               "hosts"};
    return keys;
}

// Notes where each document of a YAML stream starts, building nothing.
class DocumentStarts : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> marks;

    void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// yaml-cpp 0.7's LoadAll never returns on a document that starts with ','
// (yaml-cpp issue 1040): it reads the same empty document again and again,
// using memory without bound. Returns where such a stream gets stuck.
std::optional<YAML::Mark> stuck_document(const std::string& yaml_text) {
    std::istringstream stream(yaml_text);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    while (parser.HandleNextDocument(starts)) {
        const auto count = starts.marks.size();
        if (count >= 2 && starts.marks[count - 1].pos == starts.marks[count - 2].pos) {
            return starts.marks.back();
        }
    }
    return std::nullopt;
}

} // namespace

InventoryParser::InventoryParser(const std::string& file, const std::filesystem::path& base_dir,
                                 LocalUser local_user, SshConfigChoice ssh_config_choice)
    : yaml_(file), paths_(base_dir, local_user.home), settings_(yaml_, paths_),
      local_user_(std::move(local_user)), ssh_config_choice_(std::move(ssh_config_choice)),
      default_known_hosts_(paths_.resolve("~/.ssh/known_hosts")) {
    inventory_.file = file;
}

Inventory InventoryParser::parse(std::string_view yaml_text) {
    const auto root = load_document(yaml_text);
    YAML::Node hosts_key;
    YAML::Node hosts;
    YAML::Node groups;
    YAML::Node sites;
    YAML::Node ssh_config_key;
    YAML::Node ssh_config;
    for (const auto& [key, value] : yaml_.map_entries(root, "an inventory", "key")) {
        const auto& name = key.Scalar();
        if (name == "defaults") {
            defaults_ = settings_.read_shared(value, "defaults");
        } else if (name == "groups") {
            groups = value;
        } else if (name == "sites") {
            sites = value;
        } else if (name == "ssh_config") {
            ssh_config_key = key;
            ssh_config = value;
        } else if (name == "hosts") {
            hosts_key = key;
            hosts = value;
        } else {
            yaml_.fail(
                key, fmt::format("unknown key '{}'{}", name, did_you_mean(name, top_level_keys())));
        }
    }
    read_groups(groups);
    read_sites(sites);
    load_ssh_config(ssh_config_key, ssh_config);
    read_hosts(hosts_key, hosts);
    check_sites_used();
    return std::move(inventory_);
}

YAML::Node InventoryParser::load_document(std::string_view yaml_text) const {
    const std::string text(yaml_text);
    std::vector<YAML::Node> documents;
    try {
        if (const auto stuck = stuck_document(text)) {
            throw InventoryError({yaml_.file(), stuck->line + 1, stuck->column + 1},
                                 fmt::format("YAML syntax error: unexpected '{}'",
                                             text.at(static_cast<std::size_t>(stuck->pos))));
        }
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        throw InventoryError({yaml_.file(), e.mark.line + 1, e.mark.column + 1},
                             "YAML syntax error: " + e.msg);
    }
    if (documents.empty()) {
        throw InventoryError({yaml_.file(), 1, 1}, "inventory is empty: it has no hosts");
    }
    if (documents.size() > 1) {
        yaml_.fail(documents[1],
                   fmt::format("an inventory is one YAML document, not {}", documents.size()));
    }
    return documents.front();
}

void InventoryParser::read_groups(const YAML::Node& groups) {
    for (const auto& [key, value] : yaml_.map_entries(groups, "'groups'", "group")) {
        const auto& name = key.Scalar();
        try {
            check_name("group name", name);
        } catch (const InvalidValue& e) {
            yaml_.fail(key, e.what());
        }
        group_settings_[name] = settings_.read_shared(value, fmt::format("group '{}'", name));
        inventory_.groups.push_back(name);
    }
}

// `sites:` maps a site name to what the planner should know about its
// network; today only `uplink`, the rate of the link joining it to the other
// sites and the deployer (docs/planning.md).
void InventoryParser::read_sites(const YAML::Node& sites) {
    static const std::vector<std::string> site_keys{"uplink"};
    for (const auto& [name_key, value] : yaml_.map_entries(sites, "'sites'", "site")) {
        const auto& name = name_key.Scalar();
        try {
            check_name("site name", name);
        } catch (const InvalidValue& e) {
            yaml_.fail(name_key, e.what());
        }
        std::optional<std::uint64_t> uplink;
        for (const auto& [key, setting] :
             yaml_.map_entries(value, fmt::format("site '{}'", name), "key")) {
            if (key.Scalar() != "uplink") {
                yaml_.fail(key, fmt::format("unknown key '{}' for site '{}'{}", key.Scalar(), name,
                                            did_you_mean(key.Scalar(), site_keys)));
            }
            try {
                uplink = parse_bandwidth(yaml_.scalar(key, setting));
            } catch (const InvalidValue& e) {
                yaml_.fail(setting, fmt::format("key 'uplink': {}", e.what()));
            }
        }
        if (!uplink) {
            yaml_.fail(name_key, fmt::format("site '{}' has no 'uplink'", name));
        }
        sites_.emplace_back(name_key, *uplink);
    }
}

void InventoryParser::load_ssh_config(const YAML::Node& key, const YAML::Node& value) {
    const sshconfig::ConfigEnvironment environment{local_user_.home, local_user_.name};
    // What `transport: openssh` hosts' ssh reads: the same as shoal.
    constexpr const char* no_file = "/dev/null";
    ssh_config_file_ = no_file;
    if (ssh_config_choice_.file) {
        ssh_config_ = sshconfig::SshConfig::load_file(*ssh_config_choice_.file, environment);
        ssh_config_file_ = *ssh_config_choice_.file;
    } else if (key.IsScalar()) { // the inventory has `ssh_config:`
        const auto text = yaml_.scalar(key, value);
        if (text == "none") {
            return;
        }
        try {
            ssh_config_file_ = paths_.resolve(text);
            ssh_config_ = sshconfig::SshConfig::load_file(ssh_config_file_, environment);
        } catch (const util::UsageError& e) { // InvalidValue (a bad path) is one too
            yaml_.fail(value, fmt::format("key 'ssh_config': {}", e.what()));
        }
    } else if (ssh_config_choice_.user_default) {
        ssh_config_ = sshconfig::SshConfig::load_default(environment);
        ssh_config_file_.clear();
    }
}

// A site that no host names is most likely misspelt, here or at its hosts.
void InventoryParser::check_sites_used() const {
    std::vector<std::string> host_sites;
    for (const auto& host : inventory_.hosts) {
        if (!host.site.empty()) {
            host_sites.push_back(host.site);
        }
    }
    for (const auto& [name_key, uplink] : sites_) {
        const auto& name = name_key.Scalar();
        if (std::find(host_sites.begin(), host_sites.end(), name) == host_sites.end()) {
            yaml_.fail(name_key, fmt::format("no host is in site '{}'{}", name,
                                             did_you_mean(name, host_sites)));
        }
    }
}

void InventoryParser::read_hosts(const YAML::Node& hosts_key, const YAML::Node& hosts) {
    for (const auto& [key, value] : yaml_.map_entries(hosts, "'hosts'", "host")) {
        read_host_entry(key, value);
    }
    if (inventory_.hosts.empty()) {
        const SourceLocation where =
            hosts_key ? yaml_.location(hosts_key) : SourceLocation{yaml_.file(), 1, 1};
        throw InventoryError(where, "inventory is empty: it has no hosts");
    }
}

void InventoryParser::read_host_entry(const YAML::Node& key, const YAML::Node& value) {
    const auto names = host_names(key);
    if (inventory_.hosts.size() + names.size() > max_range_values) {
        yaml_.fail(key, fmt::format("inventory has more than {} hosts", max_range_values));
    }
    const auto location = yaml_.location(key);
    for (const auto& name : names) {
        const auto [first, fresh] = host_locations_.emplace(name, location);
        if (!fresh) {
            yaml_.fail(key, fmt::format("duplicate host '{}' (first defined at {})", name,
                                        format_location(first->second)));
        }
    }
    const auto entry = settings_.read_host(key, value, names.size());
    const auto groups = group_names(entry.group_items);
    for (std::size_t index = 0; index < names.size(); ++index) {
        inventory_.hosts.push_back(resolve(names[index], entry.hosts[index], groups, location));
    }
}

std::vector<std::string> InventoryParser::host_names(const YAML::Node& key) const {
    try {
        auto names = expand_ranges(key.Scalar());
        for (const auto& name : names) {
            check_name("host name", name);
        }
        return names;
    } catch (const InvalidValue& e) {
        yaml_.fail(key, e.what());
    }
}

std::vector<std::string> InventoryParser::group_names(const std::vector<YAML::Node>& items) const {
    std::vector<std::string> names;
    for (const auto& item : items) {
        const auto& name = item.Scalar();
        if (!group_settings_.contains(name)) {
            const auto hint = did_you_mean(name, inventory_.groups);
            yaml_.fail(item, fmt::format("unknown group '{}'{}", name,
                                         hint.empty() ? " (define it under 'groups:')" : hint));
        }
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            yaml_.fail(item, fmt::format("group '{}' is listed twice", name));
        }
        names.push_back(name);
    }
    return names;
}

Host InventoryParser::resolve(const std::string& name, const HostSettings& own,
                              const std::vector<std::string>& groups,
                              const SourceLocation& location) const {
    HostSettings merged = defaults_;
    for (const auto& group : groups) {
        merged.overlay(group_settings_.at(group)); // listed later wins
    }
    merged.overlay(own);

    const Host builtin;
    Host host;
    host.name = name;
    // What one would type after `ssh`: ssh_config's Host patterns match it.
    const auto destination = merged.address.value_or(name);
    const auto ssh = ssh_config_.lookup(destination);
    host.address = ssh.hostname.value_or(destination);
    host.port = merged.port.value_or(ssh.port.value_or(builtin.port));
    host.user = merged.user.value_or(ssh.user.value_or(local_user_.name));
    if (merged.identity) {
        if (!merged.identity->empty()) {
            host.identities = {*merged.identity};
        }
    } else {
        host.identities = ssh.identity_files;
    }
    host.identities_only = ssh.identities_only.value_or(false);
    host.known_hosts =
        merged.known_hosts.value_or(ssh.known_hosts_file.value_or(default_known_hosts_));
    host.ssh_config_notes = ssh.not_followed;
    if (ssh.host_key_checking) {
        using sshconfig::HostKeyChecking;
        host.accept_new_host_keys = *ssh.host_key_checking != HostKeyChecking::yes;
        if (*ssh.host_key_checking == HostKeyChecking::no) {
            host.ssh_config_notes.push_back(
                "StrictHostKeyChecking no is taken as accept-new: shoal records unknown host "
                "keys but always refuses a changed one");
        }
    }
    host.connect_timeout = ssh.connect_timeout;
    if (ssh.server_alive_interval && ssh.server_alive_interval->count() > 0) {
        // OpenSSH gives up after ServerAliveCountMax (3) unanswered keepalives.
        host.io_timeout = *ssh.server_alive_interval * ssh.server_alive_count_max.value_or(3);
    }
    host.become_sudo = merged.become_sudo.value_or(false);
    host.openssh = merged.openssh.value_or(false);
    host.ssh_config_name = destination;
    host.ssh_config_file = ssh_config_file_;
    host.system = merged.system.value_or("");
    if (const auto chain = merged.jump ? merged.jump : ssh.proxy_jump) {
        host.jump = resolve_jump(*chain, host, location);
    }
    host.bandwidth_bps = merged.bandwidth_bps.value_or(builtin.bandwidth_bps);
    host.swarm_port = merged.swarm_port.value_or(builtin.swarm_port);
    host.site = merged.site.value_or(builtin.site);
    for (const auto& [name_key, uplink] : sites_) {
        if (name_key.Scalar() == host.site) {
            host.site_uplink_bps = uplink;
        }
    }
    host.rack = merged.rack.value_or(builtin.rack);
    host.closure = merged.closure.value_or(builtin.closure);
    host.profile = merged.profile.value_or(builtin.profile);
    host.activate = merged.activate.value_or(builtin.activate);
    host.health_check = merged.health_check.value_or(builtin.health_check);
    host.groups = groups;
    host.tags = std::move(merged.tags);
    host.location = location;
    return host;
}

// Each hop is looked up in ssh_config under its own name, as OpenSSH does;
// what it leaves out comes from the written hop, then from the target.
std::vector<JumpHost> InventoryParser::resolve_jump(const std::string& chain, const Host& target,
                                                    const SourceLocation& location) const {
    std::vector<JumpHost> hops;
    std::vector<sshconfig::JumpSpec> specs;
    try {
        specs = sshconfig::parse_jump_chain(chain);
    } catch (const util::UsageError& e) {
        // Only ssh_config's chains get here unchecked, and it checks them: unreachable in practice.
        throw InventoryError(location, fmt::format("host '{}': {}", target.name, e.what()));
    }
    for (const auto& spec : specs) {
        const auto ssh = ssh_config_.lookup(spec.host);
        JumpHost hop;
        hop.written = spec.to_string();
        hop.ssh_config_name = spec.host;
        hop.address = ssh.hostname.value_or(spec.host);
        hop.port = spec.port.value_or(ssh.port.value_or(22));
        hop.user = !spec.user.empty() ? spec.user : ssh.user.value_or(local_user_.name);
        hop.identities = ssh.identity_files.empty() ? target.identities : ssh.identity_files;
        hop.identities_only = ssh.identities_only.value_or(target.identities_only);
        hop.known_hosts = ssh.known_hosts_file.value_or(target.known_hosts);
        hops.push_back(std::move(hop));
    }
    return hops;
}

} // namespace shoal::inventory
