#include "agent/import_schedule.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shoal::agent {

ImportSchedule::ImportSchedule(std::vector<AssignedPath> paths,
                               const std::set<std::string>& valid_paths)
    : paths_(std::move(paths)), valid_before_(valid_paths) {
    for (const AssignedPath& assigned : paths_) {
        const bool valid = valid_paths.contains(assigned.info.path);
        states_[assigned.info.path] = valid ? State::valid : State::missing;
        valid_count_ += valid ? 1 : 0;
    }
}

std::set<std::string> ImportSchedule::files_to_download() const {
    std::set<std::string> files;
    for (const AssignedPath& assigned : paths_) {
        if (states_.at(assigned.info.path) != State::valid) {
            files.insert(assigned.file);
        }
    }
    return files;
}

bool ImportSchedule::reference_satisfied(const std::string& owner,
                                         const std::string& reference) const {
    if (reference == owner || valid_before_.contains(reference)) {
        return true;
    }
    const auto state = states_.find(reference);
    return state != states_.end() && state->second != State::missing;
}

bool ImportSchedule::references_satisfied(const AssignedPath& assigned) const {
    return std::all_of(assigned.info.references.begin(), assigned.info.references.end(),
                       [&](const std::string& reference) {
                           return reference_satisfied(assigned.info.path, reference);
                       });
}

std::vector<AssignedPath>
ImportSchedule::take_importable(const std::set<std::string>& complete_files) {
    std::vector<AssignedPath> batch;
    // Repeat until nothing changes, so a batch also holds the paths that
    // depend on paths taken earlier in it, whatever the assignment's order.
    for (bool progressed = true; progressed;) {
        progressed = false;
        for (const AssignedPath& assigned : paths_) {
            State& state = states_.at(assigned.info.path);
            if (state == State::missing && complete_files.contains(assigned.file) &&
                references_satisfied(assigned)) {
                state = State::taken;
                batch.push_back(assigned);
                progressed = true;
            }
        }
    }
    return batch;
}

void ImportSchedule::mark_imported(const std::string& path) {
    State& state = states_.at(path);
    valid_count_ += state == State::valid ? 0 : 1;
    state = State::valid;
}

bool ImportSchedule::all_valid() const {
    return valid_count_ == states_.size();
}

std::vector<std::string> ImportSchedule::unimportable() const {
    std::vector<std::string> result;
    for (const AssignedPath& assigned : paths_) {
        if (states_.at(assigned.info.path) != State::missing) {
            continue;
        }
        std::vector<std::string> lacking;
        for (const std::string& reference : assigned.info.references) {
            if (!reference_satisfied(assigned.info.path, reference)) {
                lacking.push_back(reference);
            }
        }
        result.push_back(
            fmt::format("{} (needs {})", assigned.info.path, fmt::join(lacking, ", ")));
    }
    return result;
}

} // namespace shoal::agent
