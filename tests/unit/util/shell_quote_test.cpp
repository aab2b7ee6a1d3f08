#include "util/shell_quote.hpp"

#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <string>

using shoal::util::shell_quote;

TEST_CASE("shell_quote makes one word of anything, as /bin/sh reads it back") {
    for (const std::string text : {"", "plain", "it's", "a b", "$(rm -rf /)", "`x`", "\"q\"",
                                   "semi;colon", "new\nline", "'''", "back\\slash"}) {
        CAPTURE(text);
        // printf %s prints the word exactly as the shell received it.
        const std::string command = "printf '%s' " + shell_quote(text);
        FILE* pipe = ::popen(command.c_str(), "r");
        REQUIRE(pipe != nullptr);
        std::string printed;
        std::array<char, 256> buffer{};
        while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
            printed.append(buffer.data(), n);
        }
        REQUIRE(::pclose(pipe) == 0);
        CHECK(printed == text);
    }
}
