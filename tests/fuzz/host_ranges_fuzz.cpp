// Host ranges ("web-[01:64]") alone, faster than through YAML: expand_ranges
// either throws InvalidValue or returns at most max_range_values plain values.
#include "fuzz_check.hpp"
#include "inventory/invalid_value.hpp"
#include "inventory/range_expansion.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using shoal::fuzz::require;
namespace inventory = shoal::inventory;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto values = inventory::expand_ranges(text);
        require(!values.empty() && values.size() <= inventory::max_range_values,
                "between 1 and max_range_values values");
        if (!inventory::has_range(text)) {
            require(values.size() == 1 && values.front() == text, "plain text is its own value");
        }
        for (const auto& value : values) {
            require(value.find_first_of("[]") == std::string::npos, "values hold no brackets");
        }
    } catch (const inventory::InvalidValue&) {
    }
    return 0;
}
