#include "agent/staging_directory.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

namespace shoal::agent {

void prepare_staging_directory(const std::filesystem::path& staging) {
    std::error_code error;
    std::filesystem::create_directories(staging.parent_path(), error);
    if (error) {
        throw util::Error("cannot create " + staging.parent_path().string() + ": " +
                          error.message());
    }
    if (::mkdir(staging.c_str(), 0700) != 0 && errno != EEXIST) {
        util::throw_errno("creating staging directory " + staging.string());
    }
    // lstat: a symlink planted here by someone else must not redirect us.
    struct stat info {};
    if (::lstat(staging.c_str(), &info) != 0) {
        util::throw_errno("inspecting staging directory " + staging.string());
    }
    if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
        throw util::Error("staging directory " + staging.string() +
                          " exists but is not a directory owned by this user");
    }
    if (::chmod(staging.c_str(), 0700) != 0) {
        util::throw_errno("restricting staging directory " + staging.string());
    }
}

} // namespace shoal::agent
