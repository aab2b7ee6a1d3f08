#pragma once

#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <vector>

// The words /bin/sh makes of `command_line`, as a remote shell would: printf,
// put in front, prints each of them followed by a NUL.
inline std::vector<std::string> shell_words(const std::string& command_line) {
    const std::string command = "printf '%s\\0' " + command_line;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string printed;
    std::array<char, 256> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        printed.append(buffer.data(), n);
    }
    REQUIRE(::pclose(pipe) == 0);
    std::vector<std::string> words;
    std::istringstream stream(printed);
    for (std::string word; std::getline(stream, word, '\0');) {
        words.push_back(word);
    }
    return words;
}
