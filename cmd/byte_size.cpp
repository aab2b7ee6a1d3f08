#include "byte_size.hpp"

#include "util/error.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <string>

namespace shoal::cmd {

namespace {

struct Unit {
    std::string_view name;
    double bytes;
};

constexpr std::array units{
    Unit{"", 1.0},
    Unit{"B", 1.0},
    Unit{"KiB", 1024.0},
    Unit{"MiB", 1048576.0},
    Unit{"GiB", 1073741824.0},
    Unit{"TiB", 1099511627776.0},
    Unit{"kB", 1e3},
    Unit{"MB", 1e6},
    Unit{"GB", 1e9},
    Unit{"TB", 1e12},
};

} // namespace

std::uint64_t parse_byte_size(std::string_view text, std::string_view option) {
    const auto invalid = [&](std::string_view why) {
        return util::UsageError(fmt::format("{} '{}': {}", option, text, why));
    };
    std::size_t end = 0;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
        ++end;
    }
    const std::string number(text.substr(0, end));
    if (number.empty() || number.front() == '.' || number.back() == '.' ||
        number.find('.') != number.rfind('.')) {
        throw invalid("expected a number, then a unit such as MiB or GB");
    }
    std::string_view unit = text.substr(end);
    while (!unit.empty() && unit.front() == ' ') {
        unit.remove_prefix(1);
    }
    for (const auto& candidate : units) {
        if (candidate.name != unit) {
            continue;
        }
        const double bytes = std::floor(std::stod(number) * candidate.bytes);
        if (bytes < 1.0) {
            throw invalid("must be at least one byte");
        }
        if (bytes >= 18446744073709551616.0) {
            throw invalid("too large");
        }
        return static_cast<std::uint64_t>(bytes);
    }
    throw invalid("unknown unit: use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB");
}

} // namespace shoal::cmd
