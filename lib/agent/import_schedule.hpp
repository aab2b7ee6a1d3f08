#pragma once

#include "agent/messages.hpp"

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace shoal::agent {

// Decides when each assigned path may go into the store: once its NAR file
// is complete and verified, and each of its references is valid (in the
// store from the start, or imported before it). Paths the store already has
// are never downloaded nor imported. Pure bookkeeping: no IO.
class ImportSchedule {
public:
    ImportSchedule(std::vector<AssignedPath> paths, const std::set<std::string>& valid_paths);

    // The files of the paths the store lacks: what the swarm must fetch.
    std::set<std::string> files_to_download() const;

    // Paths that may be imported now that `complete_files` are complete, in
    // an order in which a store accepts them; each is returned once. A path
    // may come after one of its references returned in the same batch or an
    // earlier one: imports run one at a time, in order. Files given in an
    // earlier call are remembered: callers pass only the newly complete ones
    // (or all, at a cost), and the work is proportional to what changed.
    std::vector<AssignedPath> take_importable(const std::set<std::string>& complete_files);

    // `path` (one returned by take_importable) is now valid in the store.
    void mark_imported(const std::string& path);

    // Every assigned path is valid in the store.
    bool all_valid() const;

    // The paths that can never be imported because a reference is neither
    // in the store nor assigned (nor imported through another such path),
    // each with what it lacks: "/nix/store/...-app (needs /nix/store/...-lib)".
    // Meaningful once every file is complete and nothing is importable.
    std::vector<std::string> unimportable() const;

private:
    enum class State { missing, taken, valid };
    struct Entry {
        State state = State::missing;
        bool file_complete = false;
        // References neither valid nor taken yet (one never assigned stays).
        std::size_t unmet = 0;
        std::vector<std::size_t> dependents; // paths counting this one in `unmet`
    };

    bool reference_satisfied(const std::string& owner, const std::string& reference) const;
    // `index` left `missing`: its dependents may become importable.
    void release(std::size_t index);
    bool importable(std::size_t index) const;

    std::vector<AssignedPath> paths_;
    std::vector<Entry> entries_; // by index in paths_
    std::unordered_map<std::string, std::size_t> index_by_path_;
    std::unordered_map<std::string, std::vector<std::size_t>> indices_by_file_;
    std::set<std::string> valid_before_;
    std::vector<std::size_t> ready_; // importable, not yet taken
    std::size_t valid_count_ = 0;    // entries that are valid: all_valid runs on every alert
};

} // namespace shoal::agent
