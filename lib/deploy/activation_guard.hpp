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
// return to, and how long to wait for the deployer's word.
struct GuardPlan {
    std::string directory; // private to this activation (mktemp -d)
    std::string profile;
    Generation generation;                // the one being activated
    bool created = false;                 // this push made it (and so may delete it)
    std::optional<Generation> previous;   // current before this push, if any
    std::string activate;                 // closure_command for `generation`; may be empty
    std::string activate_previous;        // closure_command for `previous`; may be empty
    std::chrono::seconds verdict_timeout; // after activation: health check + confirmation
};

// Whether a failed host can go back to where it was before this push.
bool can_roll_back(const GuardPlan& plan);

// The guard: a POSIX shell script that runs detached on the host, so that
// it outlives the SSH session. It activates the generation, records the
// exit status, then waits for a verdict, a symlink `verdict` in its
// directory: `confirm` (the deployer reached the host again over a fresh
// connection after a healthy activation), `rollback`, or, when nobody
// decided in time, `timeout`, which the guard makes itself. Making a symlink
// fails when one exists, so exactly one verdict wins. Anything but confirm
// rolls the host back. Files it leaves: activation-status, activate.log,
// rollback-status, rollback.log, finished.
std::string guard_script(const GuardPlan& plan);

} // namespace shoal::deploy
