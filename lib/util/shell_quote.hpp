#pragma once

#include <string>
#include <string_view>

namespace shoal::util {

// `text` as one word of a POSIX shell command line, whatever it holds:
// single-quoted, with each ' written as '\''.
std::string shell_quote(std::string_view text);

// True if the shell reads `text` back as it is, unquoted: non-empty letters,
// digits and -_./=:,+@% only.
bool is_plain_shell_word(std::string_view text);

// `text` as it is when plain, else shell_quote(text): commands stay readable
// (and match sudoers rules that name a program's path).
std::string shell_word(std::string_view text);

} // namespace shoal::util
