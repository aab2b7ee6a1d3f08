#pragma once

#include "deploy/deployment.hpp"

#include <boost/program_options.hpp>

namespace shoal::cmd {

namespace po = boost::program_options;

// --profile, --activate and --activate-timeout: shared by push and rollback.
po::options_description profile_options();

// Health check, dead man's switch and staged rollout: push only.
po::options_description rollout_options();

// Reads both groups (the rollout's only where `values` has them).
deploy::DeployOptions deploy_options_from(const po::variables_map& values,
                                          fleet::RemoteOptions remote, std::size_t jobs);

} // namespace shoal::cmd
