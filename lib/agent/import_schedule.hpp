#pragma once

#include "agent/messages.hpp"

#include <map>
#include <set>
#include <string>
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
    // earlier one: imports run one at a time, in order.
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

    bool references_satisfied(const AssignedPath& path) const;
    bool reference_satisfied(const std::string& owner, const std::string& reference) const;

    std::vector<AssignedPath> paths_;
    std::set<std::string> valid_before_;
    std::map<std::string, State> states_;
    std::size_t valid_count_ = 0; // states_ that are valid: all_valid runs on every alert
};

} // namespace shoal::agent
