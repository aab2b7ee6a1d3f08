#include "inventory/selection.hpp"

#include "inventory/spelling_suggestion.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fnmatch.h>

namespace shoal::inventory {
namespace {

bool contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

bool glob_matches(const std::string& pattern, const std::string& name) {
    return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return glob_matches(pattern, name); });
}

std::vector<std::string> host_names(const Inventory& inventory) {
    std::vector<std::string> names;
    for (const auto& host : inventory.hosts) {
        names.push_back(host.name);
    }
    return names;
}

std::vector<std::string> all_tags(const Inventory& inventory) {
    std::vector<std::string> tags;
    for (const auto& host : inventory.hosts) {
        for (const auto& tag : host.tags) {
            if (!contains(tags, tag)) {
                tags.push_back(tag);
            }
        }
    }
    return tags;
}

std::string defined_groups(const Inventory& inventory) {
    if (inventory.groups.empty()) {
        return " (it defines no groups)";
    }
    return fmt::format(" (it defines: {})", fmt::join(inventory.groups, ", "));
}

// A typo in a filter must not quietly shrink a deployment: each filter has to
// match something on its own.
void check_each_filter_matches(const Inventory& inventory, const Selection& selection) {
    const auto names = host_names(inventory);
    for (const auto& pattern : selection.host_patterns) {
        if (pattern.empty()) {
            throw util::UsageError("empty host pattern in the host selection");
        }
        if (std::none_of(names.begin(), names.end(),
                         [&](const std::string& name) { return glob_matches(pattern, name); })) {
            throw util::UsageError(fmt::format("host pattern '{}' matches no host in {}{}", pattern,
                                               inventory.file, did_you_mean(pattern, names)));
        }
    }
    for (const auto& group : selection.groups) {
        if (!contains(inventory.groups, group)) {
            const auto hint = did_you_mean(group, inventory.groups);
            throw util::UsageError(fmt::format("unknown group '{}' in {}{}", group, inventory.file,
                                               hint.empty() ? defined_groups(inventory) : hint));
        }
    }
    const auto tags = all_tags(inventory);
    for (const auto& tag : selection.tags) {
        if (!contains(tags, tag)) {
            throw util::UsageError(fmt::format("no host in {} has tag '{}'{}", inventory.file, tag,
                                               did_you_mean(tag, tags)));
        }
    }
}

std::string describe(const Selection& selection) {
    std::vector<std::string> filters;
    if (!selection.host_patterns.empty()) {
        filters.push_back(fmt::format("hosts {}", fmt::join(selection.host_patterns, ",")));
    }
    for (const auto& group : selection.groups) {
        filters.push_back(fmt::format("group {}", group));
    }
    for (const auto& tag : selection.tags) {
        filters.push_back(fmt::format("tag {}", tag));
    }
    return fmt::format("{}", fmt::join(filters, "; "));
}

} // namespace

std::vector<Host> select_hosts(const Inventory& inventory, const Selection& selection) {
    check_each_filter_matches(inventory, selection);
    std::vector<Host> selected;
    for (const auto& host : inventory.hosts) {
        if ((selection.host_patterns.empty() || matches_any(selection.host_patterns, host.name)) &&
            std::all_of(selection.groups.begin(), selection.groups.end(),
                        [&](const std::string& group) { return contains(host.groups, group); }) &&
            std::all_of(selection.tags.begin(), selection.tags.end(),
                        [&](const std::string& tag) { return contains(host.tags, tag); })) {
            selected.push_back(host);
        }
    }
    if (selected.empty()) {
        throw util::UsageError(
            fmt::format("no host in {} matches all of: {}", inventory.file, describe(selection)));
    }
    return selected;
}

} // namespace shoal::inventory
