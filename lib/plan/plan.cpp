#include "plan/plan.hpp"

namespace shoal::plan {

const std::string& Plan::node_name(std::size_t node) const {
    static const std::string source{source_name};
    return node == source_node ? source : hosts.at(node).name;
}

} // namespace shoal::plan
