#pragma once

#include <string>
#include <vector>

namespace shoal::plan {

// Folds host names into the inventory's range notation, for humans:
// {ci-a-r1-005, ..., ci-a-r1-052, db1} -> {"ci-a-r1-[005:052]", "db1"}. Names
// are split at their last run of digits; runs of consecutive numbers with the
// same text around them and the same width become one range. Sorted output.
std::vector<std::string> fold_name_ranges(std::vector<std::string> names);

// fold_name_ranges joined by ", ", cut after `max_items` items with
// "(+N more)".
std::string describe_names(std::vector<std::string> names, std::size_t max_items);

} // namespace shoal::plan
