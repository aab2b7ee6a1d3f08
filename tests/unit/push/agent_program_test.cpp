#include "push/agent_program.hpp"
#include "support/shell_words.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <string>
#include <vector>

using shoal::push::agent_command_for;
using shoal::push::store_path_holding;

namespace {

const std::string shoal_path = "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-shoal-0.1.0";

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

TEST_CASE("each host gets the agent for its system; an unknown system the first") {
    using shoal::push::agent_for;
    using shoal::push::AgentProgram;
    const std::vector<AgentProgram> programs{{"x86 agent", {}, "x86_64-linux"},
                                             {"arm agent", {}, "aarch64-linux"}};
    CHECK(agent_for(programs, "aarch64-linux")->command == "arm agent");
    CHECK(agent_for(programs, "x86_64-linux")->command == "x86 agent");
    CHECK(agent_for(programs, "")->command == "x86 agent");
    CHECK(agent_for(programs, "riscv64-linux") == nullptr);
    // A command the user chose (no system) runs anywhere.
    const std::vector<AgentProgram> chosen{{"my agent", {}, ""}};
    CHECK(agent_for(chosen, "riscv64-linux")->command == "my agent");
    CHECK(agent_for({}, "") == nullptr);
}

TEST_CASE("--agent takes a shoal binary or the store path that holds it") {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    const auto program = shoal::push::agent_program_at(self);
    CHECK(program.system == shoal::push::running_agent_program().system);
    CHECK_FALSE(program.system.empty());
    CHECK_THROWS_WITH_AS(shoal::push::agent_program_at("/nonexistent/shoal"),
                         "--agent /nonexistent/shoal: /nonexistent/shoal does not exist",
                         shoal::util::UsageError);
}
