#include "plan/name_ranges.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <tuple>

namespace shoal::plan {

namespace {

struct SplitName {
    std::string prefix;
    std::string digits; // empty when the name has none
    std::string suffix;
    std::uint64_t number = 0;
};

SplitName split(const std::string& name) {
    const auto last_digit = name.find_last_of("0123456789");
    if (last_digit == std::string::npos) {
        return {name, "", "", 0};
    }
    auto first_digit = last_digit; // at most 18 digits: they always fit a uint64_t
    while (first_digit > 0 && std::isdigit(static_cast<unsigned char>(name[first_digit - 1])) &&
           last_digit - first_digit + 1 < 18) {
        --first_digit;
    }
    const std::string digits = name.substr(first_digit, last_digit - first_digit + 1);
    return {name.substr(0, first_digit), digits, name.substr(last_digit + 1), std::stoull(digits)};
}

bool continues(const SplitName& run_end, const SplitName& next) {
    return !run_end.digits.empty() && !next.digits.empty() && run_end.prefix == next.prefix &&
           run_end.suffix == next.suffix && run_end.digits.size() == next.digits.size() &&
           next.number == run_end.number + 1;
}

} // namespace

std::vector<std::string> fold_name_ranges(std::vector<std::string> names) {
    std::vector<SplitName> parts;
    for (const auto& name : names) {
        parts.push_back(split(name));
    }
    std::sort(parts.begin(), parts.end(), [](const SplitName& a, const SplitName& b) {
        return std::forward_as_tuple(a.prefix, a.suffix, a.digits.size(), a.number) <
               std::forward_as_tuple(b.prefix, b.suffix, b.digits.size(), b.number);
    });
    std::vector<std::string> folded;
    for (std::size_t i = 0; i < parts.size();) {
        std::size_t end = i + 1;
        while (end < parts.size() && continues(parts[end - 1], parts[end])) {
            ++end;
        }
        const auto& first = parts[i];
        if (end - i == 1) {
            folded.push_back(first.prefix + first.digits + first.suffix);
        } else {
            folded.push_back(fmt::format("{}[{}:{}]{}", first.prefix, first.digits,
                                         parts[end - 1].digits, first.suffix));
        }
        i = end;
    }
    return folded;
}

std::string describe_names(std::vector<std::string> names, std::size_t max_items) {
    const auto folded = fold_name_ranges(std::move(names));
    std::string text;
    for (std::size_t i = 0; i < folded.size() && i < max_items; ++i) {
        text += (i == 0 ? "" : ", ") + folded[i];
    }
    if (folded.size() > max_items) {
        text += fmt::format(" (+{} more)", folded.size() - max_items);
    }
    return text;
}

} // namespace shoal::plan
