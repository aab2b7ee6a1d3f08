#pragma once

#include "plan/path_catalog.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shoal::plan {

// One host that may need paths. The caller adapts its inventory and closure
// diff into this, which keeps the planner free of I/O and easy to test.
struct HostNeeds {
    std::string name;
    std::string site;
    std::string rack;
    std::uint64_t bandwidth_bps = 0; // symmetric link speed, bits per second
    std::vector<PathId> missing;     // ids from Fleet::paths, any order, duplicates allowed
};

// Everything the planner needs: the NARs that anyone lacks, who lacks what,
// the deployer's own uplink, and the uplinks declared for sites (a site not
// listed is as well connected as its hosts).
struct Fleet {
    PathCatalog paths;
    std::vector<HostNeeds> hosts;
    std::uint64_t source_bandwidth_bps = 0;
    std::map<std::string, std::uint64_t> site_uplink_bps; // site name -> bits per second
};

} // namespace shoal::plan
