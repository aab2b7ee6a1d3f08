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
    if (!can_roll_back(plan)) {
        return fmt::format("echo {} >&2; false",
                           shell_quote(fmt::format("nothing to roll back to: {} was already at "
                                                   "generation {}",
                                                   plan.profile, plan.generation.number)));
    }
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

bool can_roll_back(const GuardPlan& plan) {
    return plan.created || (plan.previous && plan.previous->number != plan.generation.number);
}

std::string guard_script(const GuardPlan& plan) {
    const std::string activate = plan.activate.empty() ? "true" : plan.activate;
    return fmt::format(
        R"SCRIPT(# shoal's activation guard: activate, then roll back unless confirmed.
cd {directory} || exit 1
roll_back() {{
  ( {roll_back} ) </dev/null >rollback.log 2>&1
  echo $? >rollback-status.new && mv rollback-status.new rollback-status
}}
( {activate} ) </dev/null >activate.log 2>&1
echo $? >activation-status.new && mv activation-status.new activation-status
if [ "$(cat activation-status)" != 0 ]; then
  ln -s activation-failed verdict 2>/dev/null
else
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
        fmt::arg("roll_back", roll_back_code(plan)), fmt::arg("activate", activate),
        fmt::arg("wait", plan.verdict_timeout.count()));
}

} // namespace shoal::deploy
