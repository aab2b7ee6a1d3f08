#include "util/shell_quote.hpp"

#include <algorithm>
#include <cctype>

namespace shoal::util {

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    quoted += '\'';
    return quoted;
}

bool is_plain_shell_word(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 ||
               std::string_view("-_./=:,+@%").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

std::string shell_word(std::string_view text) {
    return is_plain_shell_word(text) ? std::string(text) : shell_quote(text);
}

} // namespace shoal::util
