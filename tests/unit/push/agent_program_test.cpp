#include "push/agent_program.hpp"

#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using shoal::push::agent_command_for;
using shoal::push::store_path_holding;

namespace {

const std::string shoal_path = "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-shoal-0.1.0";

// The words /bin/sh makes of `command_line`, as the remote shell would:
// printf, put in front, prints each of them followed by a NUL.
std::vector<std::string> shell_words(const std::string& command_line) {
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

} // namespace

TEST_CASE("the agent command reaches the remote shell as exactly two words") {
    for (const std::string program :
         {"/opt/my shoal/bin/shoal", "/opt/it's/shoal", "/opt/a;rm -rf ~;/shoal",
          "/opt/$(touch /tmp/shoal-pwned)/shoal", "/opt/`id`/shoal", "/opt/\"q\"/shoal",
          "/opt/new\nline/shoal", "/opt/glob*/shoal", "/opt/a|b&c>d/shoal",
          "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-shoal/bin/shoal (deleted)"}) {
        CAPTURE(program);
        CHECK(shell_words(agent_command_for(program)) ==
              std::vector<std::string>{program, "agent"});
    }
    CHECK_FALSE(std::filesystem::exists("/tmp/shoal-pwned"));
}

TEST_CASE("the running program's agent command names its resolved path") {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    CHECK(shell_words(shoal::push::running_agent_program().command) ==
          std::vector<std::string>{self.string(), "agent"});
}

TEST_CASE("a program inside a store path is held by that store path") {
    CHECK(store_path_holding(shoal_path + "/bin/shoal") == shoal_path);
    CHECK(store_path_holding(shoal_path + "/libexec/shoal/deep/shoal") == shoal_path);
}

TEST_CASE("a program that is a store path itself is held by it") {
    // `nix-store --add ./shoal` makes a single-file store path.
    CHECK(store_path_holding(shoal_path) == shoal_path);
}

TEST_CASE("a program outside the Nix store has no store path") {
    CHECK_FALSE(store_path_holding("/usr/bin/shoal"));
    CHECK_FALSE(store_path_holding("/work/build/cmd/shoal"));
    CHECK_FALSE(store_path_holding("/nix/var/nix/profiles/default/bin/shoal"));
    CHECK_FALSE(store_path_holding("/nix/storefoo/kpcd173cq987hw957sx6m0868wv3x6d9-shoal"));
    CHECK_FALSE(store_path_holding("nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-shoal"));
    CHECK_FALSE(store_path_holding("/nix/store"));
    CHECK_FALSE(store_path_holding("/nix/store/"));
    CHECK_FALSE(store_path_holding(""));
}

TEST_CASE("repeated slashes count as one, as in any path lookup") {
    CHECK(store_path_holding("/nix/store//kpcd173cq987hw957sx6m0868wv3x6d9-shoal/bin/shoal") ==
          "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-shoal");
}

TEST_CASE("a malformed store path name holds nothing") {
    // No name after the hash.
    CHECK_FALSE(store_path_holding("/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9/bin/shoal"));
    // 'e' is not a nixbase32 digit.
    CHECK_FALSE(store_path_holding("/nix/store/kpcd173cq987hw957sx6m0868wv3x6de-shoal/bin/shoal"));
    // Too short a hash.
    CHECK_FALSE(store_path_holding("/nix/store/kpcd173cq-shoal/bin/shoal"));
    // What the kernel shows for a program deleted while it runs.
    CHECK_FALSE(store_path_holding(shoal_path + " (deleted)"));
}
