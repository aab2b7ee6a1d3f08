#pragma once

#include <filesystem>

namespace shoal::agent {

// Staging is <base>/<deployment>/<host>: the agent's own directory inside
// one directory per deployment, which the agents of that deployment share.

// Creates the staging directory (the deployment's directory and missing
// parents too), or takes the one an interrupted run left, and makes sure it
// is a real directory of ours, readable by us alone: it holds NARs that Nix
// has not checked yet. Throws util::Error.
void prepare_staging_directory(const std::filesystem::path& staging);

// Removes the staging directory, then the deployment's directory if no
// other agent's staging is left in it. Problems are logged, not thrown: the
// push itself succeeded.
void remove_staging_directory(const std::filesystem::path& staging);

} // namespace shoal::agent
