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

TEST_CASE("shell_word leaves plain words alone and quotes the rest") {
    using shoal::util::shell_word;
    CHECK(shell_word("/nix/store/abc-shoal-1.0/bin/shoal") == "/nix/store/abc-shoal-1.0/bin/shoal");
    CHECK(shell_word("user@host:22,x=y+1%") == "user@host:22,x=y+1%");
    for (const std::string text : {"", "it's", "a b", "$(rm -rf /)", "*", "~", "x;y"}) {
        CAPTURE(text);
        CHECK(shell_word(text) == shell_quote(text));
        CHECK(shell_words(shell_word(text)) == std::vector<std::string>{text});
    }
}
