#include "selection_options.hpp"

#include "util/error.hpp"

#include <string_view>

namespace shoal::cmd {
namespace {

std::vector<std::string> split_patterns(const std::vector<std::string>& lists) {
    std::vector<std::string> patterns;
    for (const auto& list : lists) {
        std::string_view rest = list;
        while (true) {
            const auto comma = rest.find(',');
            const auto pattern = rest.substr(0, comma);
            if (pattern.empty()) {
                throw util::UsageError("--hosts '" + list + "' has an empty pattern");
            }
            patterns.emplace_back(pattern);
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    return patterns;
}

template <typename T> T value_or_empty(const po::variables_map& values, const char* name) {
    return values.count(name) != 0U ? values[name].as<T>() : T{};
}

} // namespace

po::options_description selection_options() {
    po::options_description options("Host selection (filters intersect)");
    options.add_options()("hosts", po::value<std::vector<std::string>>()->value_name("PATTERNS"),
                          "hosts whose name matches any of these comma-separated globs "
                          "('web-*,db-1')")(
        "group", po::value<std::vector<std::string>>()->value_name("NAME"),
        "hosts in this group (repeatable: in every group given)")(
        "tag", po::value<std::vector<std::string>>()->value_name("NAME"),
        "hosts with this tag (repeatable: with every tag given)");
    return options;
}

inventory::Selection selection_from(const po::variables_map& values) {
    using Names = std::vector<std::string>;
    return {split_patterns(value_or_empty<Names>(values, "hosts")),
            value_or_empty<Names>(values, "group"), value_or_empty<Names>(values, "tag")};
}

} // namespace shoal::cmd
