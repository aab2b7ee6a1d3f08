#include "swarm/files.hpp"

#include "io/fd.hpp"
#include "util/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace shoal::swarm {

std::string read_file(const std::filesystem::path& path) {
    io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        util::throw_errno("opening " + path.string());
    }
    std::string contents;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            util::throw_errno("reading " + path.string());
        }
        if (n == 0) {
            return contents;
        }
        contents.append(buffer, static_cast<std::size_t>(n));
    }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    // A leftover from an interrupted run (or anything planted there) goes:
    // the new file is created afresh, never opened through a link.
    if (::unlink(temporary.c_str()) != 0 && errno != ENOENT) {
        util::throw_errno("removing " + temporary.string());
    }
    io::UniqueFd fd(
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
        util::throw_errno("creating " + temporary.string());
    }
    while (!contents.empty()) {
        const ssize_t n = ::write(fd.get(), contents.data(), contents.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            util::throw_errno("writing " + temporary.string());
        }
        contents.remove_prefix(static_cast<std::size_t>(n));
    }
    fd.reset();
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        util::throw_errno("renaming " + temporary.string() + " to " + path.string());
    }
}

} // namespace shoal::swarm
