#pragma once

#include "agent/messages.hpp"
#include "io/wakeup.hpp"
#include "nix/local_store.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace shoal::agent {

// Imports staged NARs into the local store on a thread of its own, in the
// order given, so that the swarm and the heartbeat go on while Nix checks and
// registers a big path. Each import is sent before the reply to the one
// before it is read, so that nix-store finds the next NAR waiting in its pipe
// as soon as it has registered a path (with a thousand small paths it
// otherwise waits for this thread half the time). The destructor interrupts
// an import in progress; Nix registers nothing half-written.
class Importer {
public:
    // `files_directory` holds the staged NAR files.
    Importer(std::unique_ptr<nix::LocalStore> store, std::filesystem::path files_directory);
    Importer(const Importer&) = delete;
    Importer& operator=(const Importer&) = delete;
    ~Importer();

    void add(AssignedPath path);

    struct Report {
        std::vector<std::string> imported; // since the last report, in order
        bool idle = false;                 // nothing queued or in progress
    };
    // Throws util::Error once an import failed: later ones are not tried.
    Report take_report();
    // Readable once there is news for take_report (an import done or failed,
    // the queue emptied): the agent's loop wakes for it as for the swarm.
    int report_fd() const { return reported_.fd(); }

private:
    void run(std::stop_token stop);
    // The next path queued; waits for one if `wait`. None once stopped.
    std::optional<AssignedPath> take_next(std::stop_token stop, bool wait);
    // Send `path`'s NAR to nix-store, with `awaiting` sent before it and its
    // reply due; take the reply to `path`. False once the import failed.
    bool send(const AssignedPath& path, const std::optional<AssignedPath>& awaiting,
              std::stop_token stop);
    bool take_reply(const AssignedPath& path);
    void fail(std::string_view paths, const std::exception& error);

    std::unique_ptr<nix::LocalStore> store_;
    std::filesystem::path files_directory_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::deque<AssignedPath> queue_;
    bool busy_ = false;
    std::vector<std::string> imported_;
    std::optional<std::string> failure_;
    io::Wakeup reported_;
    // Last: the thread starts once everything it uses exists.
    std::jthread thread_;
};

} // namespace shoal::agent
