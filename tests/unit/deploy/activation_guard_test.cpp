#include "deploy/activation_guard.hpp"
#include "support/temporary_directory.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using shoal::deploy::closure_command;
using shoal::deploy::Generation;
using shoal::deploy::guard_script;
using shoal::deploy::GuardPlan;

namespace {

std::string read(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs `script` with the real /bin/sh, to the end (the guard's own loop).
int run_script(const fs::path& directory, const std::string& script) {
    std::ofstream(directory / "guard.sh") << script;
    const std::string command = "sh '" + (directory / "guard.sh").string() + "' >'" +
                                (directory / "guard.log").string() + "' 2>&1";
    return std::system(command.c_str());
}

// A profile made of symlinks like nix-env's, with generation 1 current
// and no previous one: rolling back removes it.
GuardPlan first_generation(const fs::path& directory, std::string activate) {
    fs::create_directory(directory / "profiles");
    const auto profile = directory / "profiles" / "web";
    fs::create_directory_symlink("/", directory / "profiles" / "web-1-link");
    fs::create_symlink("web-1-link", profile);
    GuardPlan plan;
    plan.directory = directory.string();
    plan.profile = profile.string();
    plan.generation = Generation{1, "/"};
    plan.created = true;
    plan.activate = std::move(activate);
    plan.confirm_timeout = std::chrono::seconds(1);
    return plan;
}

} // namespace

TEST_CASE("activation commands get the closure as one shell word, and the environment") {
    TemporaryDirectory directory;
    const auto out = directory.path() / "out";
    const std::string closure = "/nix/store/abc-it's $(weird)";
    const auto command =
        closure_command("printf '%s|%s|%s|%s' {closure} \"$SHOAL_CLOSURE\" \"$SHOAL_PROFILE\" "
                        "\"$SHOAL_GENERATION\" > '" +
                            out.string() + "'",
                        closure, "/nix/var/nix/profiles/system", 7, std::chrono::seconds(5));
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(read(out) == closure + "|" + closure + "|/nix/var/nix/profiles/system|7");
}

TEST_CASE("a command that outlives its timeout is stopped with status 124") {
    const auto command =
        closure_command("sleep 5", "/nix/store/x", "/p", 1, std::chrono::seconds(1));
    const int status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 124);
}

TEST_CASE("the guard rolls back a failed activation at once") {
    TemporaryDirectory directory;
    auto plan = first_generation(directory.path(), "echo activating; exit 3");
    REQUIRE(run_script(directory.path(), guard_script(plan)) == 0);
    CHECK(read(directory.path() / "activation-status") == "3\n");
    CHECK(read(directory.path() / "activate.log") == "activating\n");
    CHECK(fs::read_symlink(directory.path() / "verdict") == "activation-failed");
    CHECK(read(directory.path() / "rollback-status") == "0\n");
    CHECK_FALSE(fs::exists(fs::symlink_status(plan.profile)));
    CHECK_FALSE(fs::exists(fs::symlink_status(plan.profile + "-1-link")));
    CHECK(fs::exists(directory.path() / "finished"));
}

TEST_CASE("without a verdict in time, the guard decides `timeout` and rolls back") {
    TemporaryDirectory directory;
    auto plan = first_generation(directory.path(), "true");
    REQUIRE(run_script(directory.path(), guard_script(plan)) == 0);
    CHECK(read(directory.path() / "activation-status") == "0\n");
    CHECK(fs::read_symlink(directory.path() / "verdict") == "timeout");
    CHECK(read(directory.path() / "rollback-status") == "0\n");
    CHECK_FALSE(fs::exists(fs::symlink_status(plan.profile)));
}

TEST_CASE("a confirmed activation stays; any other verdict rolls back") {
    for (const char* verdict : {"confirm", "rollback"}) {
        CAPTURE(verdict);
        TemporaryDirectory directory;
        auto plan = first_generation(directory.path(), "true");
        // The deployer's verdict, there before the guard looks.
        fs::create_symlink(verdict, directory.path() / "verdict");
        REQUIRE(run_script(directory.path(), guard_script(plan)) == 0);
        const bool confirmed = std::string(verdict) == "confirm";
        CHECK(fs::exists(fs::symlink_status(plan.profile)) == confirmed);
        CHECK(fs::exists(directory.path() / "rollback-status") == !confirmed);
        CHECK(fs::exists(directory.path() / "finished"));
    }
}

TEST_CASE("a failed health check rolls back at once, with its output kept") {
    TemporaryDirectory directory;
    auto plan = first_generation(directory.path(), "true");
    plan.health_check = "echo unhealthy; exit 1";
    plan.confirm_timeout = std::chrono::seconds(60); // never waited for
    REQUIRE(run_script(directory.path(), guard_script(plan)) == 0);
    CHECK(read(directory.path() / "activation-status") == "0\n");
    CHECK(read(directory.path() / "health-status") == "1\n");
    CHECK(read(directory.path() / "health.log") == "unhealthy\n");
    CHECK(fs::read_symlink(directory.path() / "verdict") == "health-failed");
    CHECK(read(directory.path() / "rollback-status") == "0\n");
    CHECK_FALSE(fs::exists(fs::symlink_status(plan.profile)));
}

TEST_CASE("rolling back re-activates the previous generation, even when it is the same one") {
    TemporaryDirectory directory;
    const auto again = directory.path() / "activated-again";
    auto plan = first_generation(directory.path(), "exit 1");
    // The profile already pointed at the pushed closure: nothing to switch
    // or delete, but the previous generation is activated again.
    plan.created = false;
    plan.previous = plan.generation;
    plan.activate_previous = "touch '" + again.string() + "'";
    REQUIRE(run_script(directory.path(), guard_script(plan)) == 0);
    CHECK(read(directory.path() / "rollback-status") == "0\n");
    CHECK(fs::exists(again));
    CHECK(fs::exists(fs::symlink_status(plan.profile)));
}
