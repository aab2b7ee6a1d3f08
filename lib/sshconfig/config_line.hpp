#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::sshconfig {

// One line of an ssh_config file as OpenSSH splits it: a keyword (lower
// case) and its arguments. "Keyword value", "Keyword=value" and "Keyword =
// value" are the same; arguments may be double-quoted to hold blanks; an
// argument starting with '#' starts a comment.
struct ConfigLine {
    std::string keyword;
    std::vector<std::string> arguments;
};

// Nothing for a blank or comment line; throws util::UsageError (without a
// location: the caller adds FILE:LINE) for an unterminated quote.
std::optional<ConfigLine> split_config_line(std::string_view text);

} // namespace shoal::sshconfig
