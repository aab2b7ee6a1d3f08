#pragma once

#include "inventory/host_settings.hpp"
#include "inventory/path_resolver.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace shoal::inventory {

// The keys of a defaults, group or host map that hold a single value.
bool is_scalar_field(std::string_view key);

// Every key a host entry may hold (scalar fields, "groups", "tags"), for spelling suggestions.
std::vector<std::string> host_field_keys();

// Parses `text` as the value of the scalar field `key` (one for which
// is_scalar_field holds) into `settings`.
// Throws InvalidValue when the text is not a valid value for that field.
void assign_scalar_field(HostSettings& settings, std::string_view key, std::string_view text,
                         const PathResolver& paths);

} // namespace shoal::inventory
