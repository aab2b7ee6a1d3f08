#include "inventory/range_expansion.hpp"

#include "inventory/invalid_value.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <variant>

namespace shoal::inventory {
namespace {

struct NumberRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::size_t width = 0; // zero padding; 0 for none

    std::size_t count() const { return static_cast<std::size_t>(last - first + 1); }
    std::string value(std::size_t index) const {
        return fmt::format("{:0{}}", first + index, width);
    }
};

// A pattern is literal text and ranges, in order.
using Piece = std::variant<std::string, NumberRange>;

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

NumberRange parse_range(std::string_view bracket, std::string_view text) {
    const auto inner = bracket.substr(1, bracket.size() - 2);
    const auto colon = inner.find(':');
    const auto first = inner.substr(0, colon);
    const auto last =
        colon == std::string_view::npos ? std::string_view() : inner.substr(colon + 1);
    if (!all_digits(first) || !all_digits(last)) {
        throw InvalidValue(fmt::format(
            "'{}' in '{}' is not a range; write [START:END] with decimal numbers", bracket, text));
    }
    NumberRange range;
    const auto parse = [&](std::string_view digits, std::uint64_t& value) {
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc()) {
            throw InvalidValue(
                fmt::format("range '{}' in '{}' has too large a number", bracket, text));
        }
    };
    parse(first, range.first);
    parse(last, range.last);
    if (range.last < range.first) {
        throw InvalidValue(fmt::format("range '{}' in '{}' runs backwards", bracket, text));
    }
    if (range.last - range.first >= max_range_values) {
        throw InvalidValue(fmt::format("range '{}' in '{}' has more than {} values", bracket, text,
                                       max_range_values));
    }
    range.width = first.size() > 1 && first.front() == '0' ? first.size() : 0;
    return range;
}

std::vector<Piece> split_pieces(std::string_view text) {
    std::vector<Piece> pieces;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto open = rest.find_first_of("[]");
        if (open == std::string_view::npos) {
            pieces.emplace_back(std::string(rest));
            break;
        }
        if (rest[open] == ']') {
            throw InvalidValue(fmt::format("']' without '[' in '{}'", text));
        }
        const auto close = rest.find(']', open);
        if (close == std::string_view::npos ||
            rest.substr(open + 1, close - open).find('[') != std::string_view::npos) {
            throw InvalidValue(fmt::format("'[' without ']' in '{}'", text));
        }
        if (open > 0) {
            pieces.emplace_back(std::string(rest.substr(0, open)));
        }
        pieces.emplace_back(parse_range(rest.substr(open, close - open + 1), text));
        rest.remove_prefix(close + 1);
    }
    return pieces;
}

std::size_t count_values(const std::vector<Piece>& pieces, std::string_view text) {
    std::size_t count = 1;
    for (const auto& piece : pieces) {
        if (const auto* range = std::get_if<NumberRange>(&piece)) {
            count *= range->count(); // each factor is at most max_range_values: no overflow
            if (count > max_range_values) {
                throw InvalidValue(
                    fmt::format("'{}' expands to more than {} values", text, max_range_values));
            }
        }
    }
    return count;
}

} // namespace

bool has_range(std::string_view text) {
    return text.find('[') != std::string_view::npos;
}

std::vector<std::string> expand_ranges(std::string_view text) {
    const auto pieces = split_pieces(text);
    std::vector<std::string> values(count_values(pieces, text));
    // The value at `index` takes digit index / stride % count of each range,
    // strides shrinking left to right, so the first range varies slowest.
    std::size_t stride = values.size();
    for (const auto& piece : pieces) {
        if (const auto* literal = std::get_if<std::string>(&piece)) {
            for (auto& value : values) {
                value += *literal;
            }
            continue;
        }
        const auto& range = std::get<NumberRange>(piece);
        stride /= range.count();
        for (std::size_t index = 0; index < values.size(); ++index) {
            values[index] += range.value(index / stride % range.count());
        }
    }
    return values;
}

} // namespace shoal::inventory
