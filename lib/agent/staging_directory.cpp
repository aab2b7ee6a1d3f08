#include "agent/staging_directory.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shoal::agent {
namespace {

constexpr mode_t private_directory = 0700;

// lstat, so that a symlink planted here cannot redirect us.
bool is_own_directory(const std::filesystem::path& path, struct stat& info) {
    return ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == ::geteuid();
}

// A directory of ours that only we may enter, as prepare_staging_directory
// makes them.
bool is_private_directory(const std::filesystem::path& path) {
    struct stat info {};
    return is_own_directory(path, info) && (info.st_mode & 07777) == private_directory;
}

void make_directory(const std::filesystem::path& path) {
    if (::mkdir(path.c_str(), private_directory) != 0 && errno != EEXIST) {
        util::throw_errno("creating directory " + path.string());
    }
}

} // namespace

void prepare_staging_directory(const std::filesystem::path& staging) {
    const std::filesystem::path deployment = staging.parent_path();
    std::error_code error;
    std::filesystem::create_directories(deployment.parent_path(), error);
    if (error) {
        throw util::Error("cannot create " + deployment.parent_path().string() + ": " +
                          error.message());
    }
    make_directory(deployment);
    make_directory(staging);
    struct stat info {};
    if (!is_own_directory(staging, info)) {
        throw util::Error("staging directory " + staging.string() +
                          " exists but is not a directory owned by this user");
    }
    if (::chmod(staging.c_str(), private_directory) != 0) {
        util::throw_errno("restricting staging directory " + staging.string());
    }
}

void remove_staging_directory(const std::filesystem::path& staging) {
    std::error_code error;
    std::filesystem::remove_all(staging, error);
    if (error) {
        spdlog::warn("could not remove {}: {}", staging.string(), error.message());
        return;
    }
    // Only a directory made like ours, never a shared one such as /tmp (and
    // rmdir leaves one that still holds another agent's staging).
    const std::filesystem::path deployment = staging.parent_path();
    if (is_private_directory(deployment) && ::rmdir(deployment.c_str()) != 0 &&
        errno != ENOTEMPTY && errno != EEXIST) {
        spdlog::debug("could not remove {}: {}", deployment.string(), std::strerror(errno));
    }
}

} // namespace shoal::agent
