#include "inventory/bandwidth.hpp"

#include "inventory/invalid_value.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <string>

namespace shoal::inventory {
namespace {

struct Unit {
    std::string_view name;
    std::uint64_t bits;
};

// "m" alone is left out on purpose: megabit or megabyte would be a guess.
constexpr std::array bit_units{Unit{"bit", 1}, Unit{"kbit", 1'000}, Unit{"mbit", 1'000'000},
                               Unit{"gbit", 1'000'000'000}, Unit{"tbit", 1'000'000'000'000}};
constexpr std::array byte_units{Unit{"k", 8'000}, Unit{"K", 8'000}, Unit{"M", 8'000'000},
                                Unit{"G", 8'000'000'000}, Unit{"T", 8'000'000'000'000}};
constexpr std::size_t max_fraction_digits = 9;
constexpr std::string_view accepted_units =
    "bit, kbit, mbit, gbit, tbit (bits) or k, M, G, T (bytes)";

std::optional<std::uint64_t> unit_bits(std::string_view unit) {
    std::string lower(unit);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& candidate : bit_units) {
        if (candidate.name == lower) {
            return candidate.bits;
        }
    }
    for (const auto& candidate : byte_units) {
        if (candidate.name == unit) {
            return candidate.bits;
        }
    }
    return std::nullopt;
}

std::string_view take_digits(std::string_view& text) {
    const auto end = std::find_if(text.begin(), text.end(),
                                  [](unsigned char c) { return std::isdigit(c) == 0; });
    const auto digits = text.substr(0, static_cast<std::size_t>(end - text.begin()));
    text.remove_prefix(digits.size());
    return digits;
}

std::uint64_t to_number(std::string_view digits, std::string_view whole) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) {
        throw InvalidValue(fmt::format("bandwidth '{}' is too large", whole));
    }
    return value;
}

} // namespace

std::uint64_t parse_bandwidth(std::string_view text) {
    std::string_view rest = text;
    if (rest.starts_with('-')) {
        throw InvalidValue(fmt::format("bandwidth '{}' is negative", text));
    }
    const auto whole_digits = take_digits(rest);
    std::string_view fraction_digits;
    if (rest.starts_with('.')) {
        rest.remove_prefix(1);
        fraction_digits = take_digits(rest);
    }
    if (whole_digits.empty() && fraction_digits.empty()) {
        throw InvalidValue(fmt::format(
            "bandwidth '{}' does not start with a number (write e.g. 1gbit, 100mbit or 125M)",
            text));
    }
    if (fraction_digits.size() > max_fraction_digits) {
        throw InvalidValue(
            fmt::format("bandwidth '{}' has more than {} decimals", text, max_fraction_digits));
    }
    while (rest.starts_with(' ')) {
        rest.remove_prefix(1);
    }
    if (rest.ends_with("/s")) {
        rest.remove_suffix(2);
    }
    if (rest.empty()) {
        throw InvalidValue(fmt::format("bandwidth '{}' has no unit; use {}", text, accepted_units));
    }
    const auto bits = unit_bits(rest);
    if (!bits) {
        throw InvalidValue(fmt::format("bandwidth '{}' has unknown unit '{}'; use {}", text, rest,
                                       accepted_units));
    }

    unsigned __int128 fraction_scale = 1;
    for (std::size_t i = 0; i < fraction_digits.size(); ++i) {
        fraction_scale *= 10;
    }
    const unsigned __int128 whole = whole_digits.empty() ? 0 : to_number(whole_digits, text);
    const unsigned __int128 fraction =
        fraction_digits.empty() ? 0 : to_number(fraction_digits, text);
    const unsigned __int128 total = whole * *bits + fraction * *bits / fraction_scale;
    if (total > std::numeric_limits<std::uint64_t>::max()) {
        throw InvalidValue(fmt::format("bandwidth '{}' is too large", text));
    }
    if (total == 0) {
        throw InvalidValue(fmt::format("bandwidth '{}' is zero", text));
    }
    return static_cast<std::uint64_t>(total);
}

} // namespace shoal::inventory
