#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::inventory {

// More would be a typo rather than a fleet, and would exhaust memory first.
inline constexpr std::size_t max_range_values = 100'000;

// True when `text` holds a '[': in names and scalar fields that always starts a range.
bool has_range(std::string_view text);

// Expands every [START:END] in `text` (inclusive, decimal). A START with a
// leading zero pads every number to START's width: "web-[01:16]" gives web-01
// … web-16. Several ranges multiply out, the first one outermost:
// "r[1:2]-[1:3]" gives r1-1, r1-2, r1-3, r2-1, r2-2, r2-3. Text without '['
// comes back as the only value. Throws InvalidValue for a malformed or
// backwards range, or more than max_range_values values.
std::vector<std::string> expand_ranges(std::string_view text);

} // namespace shoal::inventory
