#include "agent/import_schedule.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <utility>

namespace shoal::agent {

ImportSchedule::ImportSchedule(std::vector<AssignedPath> paths,
                               const std::set<std::string>& valid_paths)
    : paths_(std::move(paths)), entries_(paths_.size()), valid_before_(valid_paths) {
    for (std::size_t i = 0; i < paths_.size(); ++i) {
        index_by_path_.emplace(paths_[i].info.path, i);
        indices_by_file_[paths_[i].file].push_back(i);
        if (valid_paths.contains(paths_[i].info.path)) {
            entries_[i].state = State::valid;
            ++valid_count_;
        }
    }
    for (std::size_t i = 0; i < paths_.size(); ++i) {
        for (const std::string& reference : paths_[i].info.references) {
            if (reference_satisfied(paths_[i].info.path, reference)) {
                continue;
            }
            ++entries_[i].unmet;
            if (const auto it = index_by_path_.find(reference); it != index_by_path_.end()) {
                entries_[it->second].dependents.push_back(i);
            }
        }
    }
}

std::set<std::string> ImportSchedule::files_to_download() const {
    std::set<std::string> files;
    for (std::size_t i = 0; i < paths_.size(); ++i) {
        if (entries_[i].state != State::valid) {
            files.insert(paths_[i].file);
        }
    }
    return files;
}

bool ImportSchedule::reference_satisfied(const std::string& owner,
                                         const std::string& reference) const {
    if (reference == owner || valid_before_.contains(reference)) {
        return true;
    }
    const auto it = index_by_path_.find(reference);
    return it != index_by_path_.end() && entries_[it->second].state != State::missing;
}

bool ImportSchedule::importable(std::size_t index) const {
    const Entry& entry = entries_[index];
    return entry.state == State::missing && entry.file_complete && entry.unmet == 0;
}

void ImportSchedule::release(std::size_t index) {
    for (const std::size_t dependent : entries_[index].dependents) {
        --entries_[dependent].unmet;
        if (importable(dependent)) {
            ready_.push_back(dependent);
        }
    }
}

std::vector<AssignedPath>
ImportSchedule::take_importable(const std::set<std::string>& complete_files) {
    for (const std::string& file : complete_files) {
        const auto it = indices_by_file_.find(file);
        if (it == indices_by_file_.end()) {
            continue;
        }
        for (const std::size_t i : it->second) {
            if (!entries_[i].file_complete) {
                entries_[i].file_complete = true;
                if (importable(i)) {
                    ready_.push_back(i);
                }
            }
        }
    }
    // A path taken releases its dependents into the same batch, after it.
    std::vector<AssignedPath> batch;
    for (std::size_t k = 0; k < ready_.size(); ++k) {
        const std::size_t i = ready_[k];
        if (entries_[i].state != State::missing) {
            continue;
        }
        entries_[i].state = State::taken;
        batch.push_back(paths_[i]);
        release(i);
    }
    ready_.clear();
    return batch;
}

void ImportSchedule::mark_imported(const std::string& path) {
    const std::size_t i = index_by_path_.at(path);
    const State before = std::exchange(entries_[i].state, State::valid);
    valid_count_ += before == State::valid ? 0 : 1;
    if (before == State::missing) {
        release(i); // never taken: its dependents wait for the next batch
    }
}

bool ImportSchedule::all_valid() const {
    return valid_count_ == paths_.size();
}

std::vector<std::string> ImportSchedule::unimportable() const {
    std::vector<std::string> result;
    for (std::size_t i = 0; i < paths_.size(); ++i) {
        if (entries_[i].state != State::missing) {
            continue;
        }
        const AssignedPath& assigned = paths_[i];
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
