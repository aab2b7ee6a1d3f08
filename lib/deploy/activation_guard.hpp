#pragma once

#include "deploy/profile.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace shoal::deploy {

// A user's activation or health-check command for one closure: `{closure}`
// becomes the store path, and SHOAL_CLOSURE, SHOAL_PROFILE and
// SHOAL_GENERATION are set; killed after `timeout`. Returns a shell command line.
std::string closure_command(const std::string& user_command, const std::string& closure,
                            const std::string& profile, unsigned generation,
                            std::chrono::seconds timeout);

// What the guard on a host knows: the generation it activates, the one to
// return to, what to run, and how long to wait for the deployer's word.
struct GuardPlan {
    std::string directory; // private to this activation (mktemp -d)
    std::string profile;
    Generation generation;                    // the one being activated
    bool created = false;                     // this push made it (and so may delete it)
    std::optional<Generation> previous;       // current before this push; none: a new profile
    std::string activate;                     // closure_command for `generation`; may be empty
    std::string health_check;                 // closure_command for `generation`; may be empty
    std::string activate_previous;            // closure_command for `previous`; may be empty
    std::chrono::seconds confirm_timeout{30}; // after a healthy activation
};

// The guard: a POSIX shell script that runs detached on the host, so that it
// outlives the SSH session and the deployer. It activates the generation,
// runs the health check, and records each exit status; then it waits for
// the deployer's confirmation, a symlink `verdict` -> `confirm` in its
// directory, made over a fresh SSH connection. Without one in time it makes
// `verdict` -> `timeout` itself; a failed activation or health check makes
// `activation-failed` or `health-failed`. Making a symlink fails when one
// exists, so exactly one verdict wins. Anything but `confirm` returns the
// profile to the previous generation (deleting the one this push made) and
// activates that again; a profile the push made is removed. Files it
// leaves: activation-status, activate.log, health-status, health.log,
// rollback-status, rollback.log, finished.
std::string guard_script(const GuardPlan& plan);

} // namespace shoal::deploy
