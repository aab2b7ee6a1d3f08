#include "plan/dot_report.hpp"

#include "util/units.hpp"

#include <fmt/format.h>
#include <map>

namespace shoal::plan {

namespace {

// Inside a double-quoted DOT ID only '"' and '\' need escaping.
std::string escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string quoted(std::string_view text) {
    return "\"" + escaped(text) + "\"";
}

} // namespace

std::string plan_dot(const Plan& plan) {
    std::map<std::string, std::map<std::string, std::vector<std::size_t>>> clusters;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        clusters[plan.hosts[i].site][plan.hosts[i].rack].push_back(i);
    }
    std::string dot = "digraph plan {\n  rankdir=LR;\n  node [shape=box];\n";
    dot += fmt::format("  {} [shape=doubleoctagon];\n", quoted(source_name));
    std::size_t cluster = 0;
    for (const auto& [site, racks] : clusters) {
        dot += fmt::format("  subgraph cluster_{} {{\n    label={};\n", cluster++,
                           quoted("site " + site));
        for (const auto& [rack, hosts] : racks) {
            dot += fmt::format("    subgraph cluster_{} {{\n      label={};\n", cluster++,
                               quoted("rack " + rack));
            for (const std::size_t i : hosts) {
                dot +=
                    fmt::format("      {} [label=\"{}\\nwave {}\"];\n", quoted(plan.hosts[i].name),
                                escaped(plan.hosts[i].name), plan.hosts[i].wave);
            }
            dot += "    }\n";
        }
        dot += "  }\n";
    }
    for (const auto& host : plan.hosts) {
        for (const auto& parent : host.parents) {
            dot += fmt::format("  {} -> {} [label={}{}];\n", quoted(plan.node_name(parent.node)),
                               quoted(host.name), quoted(util::format_bytes(parent.bytes)),
                               parent.node == host.tree_parent ? "" : ", style=dashed");
        }
    }
    return dot + "}\n";
}

} // namespace shoal::plan
