#pragma once

#include <filesystem>

namespace shoal::agent {

// Creates the agent's staging directory (and missing parents), or takes the
// one an interrupted run left, and makes sure it is a real directory of
// ours, readable by us alone: it holds NARs that Nix has not checked yet.
// Throws util::Error.
void prepare_staging_directory(const std::filesystem::path& staging);

} // namespace shoal::agent
