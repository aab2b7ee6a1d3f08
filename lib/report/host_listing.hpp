#pragma once

#include "inventory/host.hpp"

#include <ostream>
#include <vector>

namespace shoal::report {

// The resolved hosts of an inventory as an aligned table, one host per line
// under a header; empty fields show as "-".
void write_host_table(std::ostream& out, const std::vector<inventory::Host>& hosts);

// {"hosts": [...]}, on one line; bandwidth in bits per second.
void write_host_json(std::ostream& out, const std::vector<inventory::Host>& hosts);

} // namespace shoal::report
