#pragma once

#include "io/fd.hpp"

#include <filesystem>

namespace shoal::agent {

// The agent's staging directory, <base>/<deployment>/<host>: its own
// directory inside one directory per deployment, which the agents of that
// deployment share.
//
// The base is usually in a world-writable directory (/var/tmp/shoal), where
// another local user can make the path first and swap a directory for a
// symlink between a check and a use. So the directory is opened one component
// at a time from /, never through a symlink, checking each component's owner
// and mode, and is then reached only through its descriptor (pinned_path()):
// whatever happens to the path afterwards, the agent writes where it checked.
class StagingDirectory {
public:
    // Opens the staging directory, making missing components with mode 0700,
    // or takes the one an interrupted run left, and restricts it to mode
    // 0700: it holds NARs that Nix has not checked yet. Throws util::Error
    // naming the component at fault (and its owner) when one is a symlink or
    // not a directory, belongs to another user than the agent's or root
    // (below a sticky, group- or world-writable directory such as /var/tmp:
    // to another user than the agent's), or is writable by group or others
    // without being sticky.
    explicit StagingDirectory(std::filesystem::path path);

    // The path the assignment gave, for messages.
    const std::filesystem::path& path() const { return path_; }

    // "/proc/self/fd/N": the directory that was checked, for whatever needs
    // a path (libtorrent, the importer), even if path() is swapped later.
    std::filesystem::path pinned_path() const;

    // Removes the staging directory, then the deployment's directory if it is
    // private (the agent's, mode 0700, as agents make it: never a shared one
    // such as /tmp) and no other agent's staging is left in it. Problems are
    // logged, not thrown: the push itself succeeded.
    void remove();

private:
    std::filesystem::path path_;
    io::UniqueFd base_; // the deployment's directory's parent; none for staging /x
    io::UniqueFd deployment_;
    io::UniqueFd staging_;
};

} // namespace shoal::agent
