#pragma once

#include <string_view>

namespace shoal::inventory {

// Host, group, tag, site and rack names end up in ssh logs, certificate names
// and selection patterns, so they are kept plain: letters, digits, '.', '-'
// and '_'. `what` names the kind in the error ("host name", "tag").
// Throws InvalidValue for an empty name or any other character.
void check_name(std::string_view what, std::string_view name);

} // namespace shoal::inventory
