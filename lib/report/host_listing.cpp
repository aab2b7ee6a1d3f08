#include "report/host_listing.hpp"

#include "util/units.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace shoal::report {
namespace {

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

std::string joined(const std::vector<std::string>& items) {
    return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ","));
}

std::vector<std::string> jump_hosts(const inventory::Host& host) {
    std::vector<std::string> hops;
    for (const auto& hop : host.jump) {
        hops.push_back(fmt::format("{}@{}:{}", hop.user, hop.address, hop.port));
    }
    return hops;
}

} // namespace

void write_host_table(std::ostream& out, const std::vector<inventory::Host>& hosts) {
    std::vector<std::vector<std::string>> rows{
        {"NAME", "ADDRESS", "PORT", "USER", "VIA", "SITE", "RACK", "BANDWIDTH", "GROUPS", "TAGS"}};
    for (const auto& host : hosts) {
        rows.push_back({host.name, host.address, std::to_string(host.port), host.user,
                        joined(jump_hosts(host)), or_dash(host.site), or_dash(host.rack),
                        util::format_bandwidth(host.bandwidth_bps), joined(host.groups),
                        joined(host.tags)});
    }
    std::vector<std::size_t> widths(rows.front().size());
    for (const auto& row : rows) {
        for (std::size_t column = 0; column < row.size(); ++column) {
            widths[column] = std::max(widths[column], row[column].size());
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t column = 0; column + 1 < row.size(); ++column) {
            line += fmt::format("{:<{}}  ", row[column], widths[column]);
        }
        out << line << row.back() << "\n";
    }
}

void write_host_json(std::ostream& out, const std::vector<inventory::Host>& hosts) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& host : hosts) {
        list.push_back({{"name", host.name},
                        {"address", host.address},
                        {"port", host.port},
                        {"user", host.user},
                        {"jump", jump_hosts(host)},
                        {"become", host.become_sudo ? "sudo" : "none"},
                        {"transport", host.openssh ? "openssh" : "libssh2"},
                        {"system", host.system},
                        {"site", host.site},
                        {"rack", host.rack},
                        {"bandwidth", host.bandwidth_bps},
                        {"groups", host.groups},
                        {"tags", host.tags}});
    }
    out << nlohmann::ordered_json{{"hosts", list}}.dump() << "\n";
}

} // namespace shoal::report
