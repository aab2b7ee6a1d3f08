#include "sshconfig/config_line.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cctype>

namespace shoal::sshconfig {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::size_t skip_blanks(std::string_view text, std::size_t at) {
    while (at < text.size() && is_blank(text[at])) {
        ++at;
    }
    return at;
}

} // namespace

std::optional<ConfigLine> split_config_line(std::string_view text) {
    std::size_t at = skip_blanks(text, 0);
    if (at == text.size() || text[at] == '#') {
        return std::nullopt;
    }
    ConfigLine line;
    const auto keyword_end = text.find_first_of(" \t\r\n=", at);
    line.keyword = std::string(text.substr(at, keyword_end - at));
    std::transform(line.keyword.begin(), line.keyword.end(), line.keyword.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    at = keyword_end == std::string_view::npos ? text.size() : skip_blanks(text, keyword_end);
    // One '=' may stand between the keyword and its first argument.
    if (at < text.size() && text[at] == '=') {
        at = skip_blanks(text, at + 1);
    }
    while (at < text.size()) {
        if (text[at] == '#') {
            break;
        }
        std::string argument;
        if (text[at] == '"') {
            const auto closing = text.find('"', at + 1);
            if (closing == std::string_view::npos) {
                throw util::UsageError("a quoted argument has no closing '\"'");
            }
            argument = std::string(text.substr(at + 1, closing - at - 1));
            at = closing + 1;
        } else {
            const auto end = text.find_first_of(" \t\r\n", at);
            argument = std::string(text.substr(at, end - at));
            at = end == std::string_view::npos ? text.size() : end;
        }
        line.arguments.push_back(std::move(argument));
        at = skip_blanks(text, at);
    }
    return line;
}

} // namespace shoal::sshconfig
