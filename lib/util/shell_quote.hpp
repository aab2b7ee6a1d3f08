#pragma once

#include <string>
#include <string_view>

namespace shoal::util {

// `text` as one word of a POSIX shell command line, whatever it holds:
// single-quoted, with each ' written as '\''.
std::string shell_quote(std::string_view text);

} // namespace shoal::util
