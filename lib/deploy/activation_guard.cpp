#include "deploy/activation_guard.hpp"

#include "util/shell_quote.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace shoal::deploy {
namespace {

using util::shell_quote;

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// The shell code that returns the profile to where it was before the push.
std::string roll_back_code(const GuardPlan& plan) {
    const auto profile = shell_quote(plan.profile);
    if (!plan.previous) {
        // The profile did not exist before: remove what this push made.
        const auto link = fmt::format("{}-{}-link", plan.profile, plan.generation.number);
        return fmt::format("rm -f {} {}", profile, shell_quote(link));
    }
    std::string code =
        fmt::format("nix-env -p {} --switch-generation {}", profile, plan.previous->number);
    if (plan.created) {
        code += fmt::format(" && nix-env -p {} --delete-generations {}", profile,
                            plan.generation.number);
    }
    if (!plan.activate_previous.empty()) {
        code += " && " + plan.activate_previous;
    }
    return code;
}

// `command` in a subshell at /, its exit status recorded in the file `status`
// once it is over (written aside, then renamed: readers never see half).
std::string recorded(const std::string& command, std::string_view log, std::string_view status) {
    return fmt::format("( cd / && {} ) </dev/null >{} 2>&1\n"
                       "echo $? >{}.new && mv {}.new {}",
                       command.empty() ? "true" : command, log, status, status, status);
}

} // namespace

std::string closure_command(const std::string& user_command, const std::string& closure,
                            const std::string& profile, unsigned generation,
                            std::chrono::seconds timeout) {
    const auto command = replace_all(user_command, "{closure}", shell_quote(closure));
    // -k: a command that ignores TERM is killed 10 s later.
    return fmt::format("SHOAL_CLOSURE={} SHOAL_PROFILE={} SHOAL_GENERATION={} timeout -k 10 {} "
                       "sh -c {}",
                       shell_quote(closure), shell_quote(profile), generation, timeout.count(),
                       shell_quote(command));
}

std::string guard_script(const GuardPlan& plan) {
    return fmt::format(
        R"SCRIPT(# shoal's activation guard: activate, check, then roll back unless confirmed.
cd {directory} || exit 1
roll_back() {{
  {roll_back}
}}
{activate}
if [ "$(cat activation-status)" != 0 ]; then
  ln -s activation-failed verdict 2>/dev/null
else
  {health}
  if [ "$(cat health-status)" != 0 ]; then
    ln -s health-failed verdict 2>/dev/null
  fi
  deadline=$(( $(date +%s) + {wait} ))
  until [ -L verdict ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      ln -s timeout verdict 2>/dev/null
    fi
    sleep 0.2
  done
fi
[ "$(readlink verdict)" = confirm ] || roll_back
touch finished
)SCRIPT",
        fmt::arg("directory", shell_quote(plan.directory)),
        fmt::arg("roll_back", recorded(roll_back_code(plan), "rollback.log", "rollback-status")),
        fmt::arg("activate", recorded(plan.activate, "activate.log", "activation-status")),
        fmt::arg("health", recorded(plan.health_check, "health.log", "health-status")),
        fmt::arg("wait", plan.confirm_timeout.count()));
}

} // namespace shoal::deploy
