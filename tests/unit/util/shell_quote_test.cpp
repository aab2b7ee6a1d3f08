#include "support/shell_words.hpp"
#include "util/shell_quote.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using shoal::util::shell_quote;

TEST_CASE("shell_quote makes one word of anything, as /bin/sh reads it back") {
    for (const std::string text : {"", "plain", "it's", "a b", "$(rm -rf /)", "`x`", "\"q\"",
                                   "semi;colon", "new\nline", "'''", "back\\slash"}) {
        CAPTURE(text);
        CHECK(shell_words(shell_quote(text)) == std::vector<std::string>{text});
    }
}
