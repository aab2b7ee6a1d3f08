#pragma once

#include "agent/messages.hpp"
#include "nix/local_store.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace shoal::agent {

// Imports staged NARs into the local store on a thread of its own, one at a
// time and in the order given, so that the swarm and the heartbeat go on
// while Nix checks and registers a big path. The destructor interrupts an
// import in progress; Nix registers nothing half-written.
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

private:
    void run(std::stop_token stop);
    void import(const AssignedPath& path, std::stop_token stop);

    std::unique_ptr<nix::LocalStore> store_;
    std::filesystem::path files_directory_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::deque<AssignedPath> queue_;
    bool busy_ = false;
    std::vector<std::string> imported_;
    std::optional<std::string> failure_;
    // Last: the thread starts once everything it uses exists.
    std::jthread thread_;
};

} // namespace shoal::agent
