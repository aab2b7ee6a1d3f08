#include "agent/staging_directory.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <iterator>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace shoal::agent {
namespace {

constexpr mode_t private_directory = 0700;
// O_PATH: enough for fstat and as the base of *at() calls, and needs no read
// permission (a root-owned directory of mode 0711 on the way is fine).
constexpr int directory_flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// "nobody (uid 65534)", or "uid 1234" for a user without a name.
std::string describe_user(uid_t uid) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16 * 1024);
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
        return fmt::format("{} (uid {})", found->pw_name, uid);
    }
    return fmt::format("uid {}", uid);
}

struct stat stat_of(int fd, const std::filesystem::path& path) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        util::throw_errno("checking " + path.string());
    }
    return info;
}

// Others than its owner may add, rename and remove entries (if it is also
// sticky, only entries of their own).
bool is_shared(const struct stat& info) {
    return (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

// A component nobody but root and the agent's user can change. `ours_only`
// for the staging directory itself, which the agent fills, and for anything
// in a shared directory, where anyone may have been first: there only the
// agent's user will do.
void check_component(const struct stat& info, const std::filesystem::path& path, bool ours_only) {
    const uid_t agent_user = ::geteuid();
    if (info.st_uid != agent_user && (ours_only || info.st_uid != 0)) {
        const std::string allowed = ours_only || agent_user == 0
                                        ? describe_user(agent_user)
                                        : "root or " + describe_user(agent_user);
        throw util::Error(fmt::format(
            "staging: {} belongs to {}, not to {}, as the agent requires: another user may have "
            "made it to redirect the agent's files; remove it or choose another --remote-staging",
            path.string(), describe_user(info.st_uid), allowed));
    }
    if (is_shared(info) && (info.st_mode & S_ISVTX) == 0) {
        throw util::Error(fmt::format(
            "staging: {} is writable by group or others (mode {:04o}) and not sticky: they could "
            "replace what is in it; remove their write permission or choose another "
            "--remote-staging",
            path.string(), info.st_mode & 07777));
    }
}

// Opens the directory `name` in `parent` without following a symlink, making
// it (mode 0700) if it does not exist.
io::UniqueFd open_or_make(int parent, const std::string& name, const std::filesystem::path& path) {
    int fd = ::openat(parent, name.c_str(), directory_flags);
    if (fd < 0 && errno == ENOENT) {
        // EEXIST: another agent of the deployment was first; checked like any.
        if (::mkdirat(parent, name.c_str(), private_directory) != 0 && errno != EEXIST) {
            util::throw_errno("staging: creating " + path.string());
        }
        fd = ::openat(parent, name.c_str(), directory_flags);
    }
    if (fd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
        struct stat info {};
        const bool symlink = ::fstatat(parent, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                             S_ISLNK(info.st_mode);
        throw util::Error(
            symlink ? fmt::format("staging: {} is a symbolic link (owned by {}): the agent follows "
                                  "none on its way to the staging directory, as another user "
                                  "may have planted it; remove it or choose another "
                                  "--remote-staging",
                                  path.string(), describe_user(info.st_uid))
                    : fmt::format("staging: {} is not a directory", path.string()));
    }
    if (fd < 0) {
        util::throw_errno("staging: opening " + path.string());
    }
    return io::UniqueFd(fd);
}

} // namespace

StagingDirectory::StagingDirectory(std::filesystem::path path) : path_(std::move(path)) {
    if (!path_.is_absolute() || !path_.has_filename() || path_.lexically_normal() != path_) {
        throw util::Error(fmt::format(
            "staging: {} is not an absolute, normalized directory path below /", path_.string()));
    }
    std::filesystem::path reached = path_.root_path();
    io::UniqueFd current(::open(reached.c_str(), directory_flags));
    if (!current) {
        util::throw_errno("staging: opening " + reached.string());
    }
    struct stat info = stat_of(current.get(), reached);
    check_component(info, reached, false);
    const std::filesystem::path parts = path_.relative_path();
    for (auto part = parts.begin(); part != parts.end(); ++part) {
        reached /= *part;
        io::UniqueFd next = open_or_make(current.get(), part->string(), reached);
        const struct stat next_info = stat_of(next.get(), reached);
        check_component(next_info, reached, is_shared(info) || std::next(part) == parts.end());
        info = next_info;
        base_ = std::move(deployment_);
        deployment_ = std::move(current);
        current = std::move(next);
    }
    staging_ = std::move(current);

    // Everything from here on goes through /proc/self/fd: make sure it leads
    // to the directory just checked.
    struct stat pinned {};
    if (::stat(pinned_path().c_str(), &pinned) != 0 || pinned.st_dev != info.st_dev ||
        pinned.st_ino != info.st_ino) {
        throw util::Error(fmt::format("staging: {} does not lead to {}: is /proc mounted?",
                                      pinned_path().string(), path_.string()));
    }
    if (::chmod(pinned_path().c_str(), private_directory) != 0) {
        util::throw_errno("staging: restricting " + path_.string() + " to mode 0700");
    }
}

std::filesystem::path StagingDirectory::pinned_path() const {
    return fmt::format("/proc/self/fd/{}", staging_.get());
}

void StagingDirectory::remove() {
    std::error_code error;
    std::filesystem::directory_iterator entries(pinned_path(), error);
    for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
        std::filesystem::remove_all(entries->path(), error);
    }
    if (!error && ::unlinkat(deployment_.get(), path_.filename().c_str(), AT_REMOVEDIR) != 0) {
        error = std::error_code(errno, std::system_category());
    }
    if (error) {
        spdlog::warn("could not remove {}: {}", path_.string(), error.message());
        return;
    }
    staging_.reset();
    if (!base_) {
        return;
    }
    // rmdir leaves a deployment directory that still holds another agent's
    // staging (ENOTEMPTY, or EEXIST on some systems).
    const std::filesystem::path deployment = path_.parent_path();
    struct stat info {};
    const bool is_private = ::fstat(deployment_.get(), &info) == 0 && info.st_uid == ::geteuid() &&
                            (info.st_mode & 07777) == private_directory;
    if (is_private && ::unlinkat(base_.get(), deployment.filename().c_str(), AT_REMOVEDIR) != 0 &&
        errno != ENOTEMPTY && errno != EEXIST) {
        spdlog::debug("could not remove {}: {}", deployment.string(),
                      std::error_code(errno, std::system_category()).message());
    }
}

} // namespace shoal::agent
