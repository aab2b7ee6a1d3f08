#pragma once

#include "inventory/selection.hpp"

#include <boost/program_options.hpp>

namespace shoal::cmd {

namespace po = boost::program_options;

// --hosts PATTERNS, --group NAME, --tag NAME: the host selection every
// command that takes an inventory offers.
po::options_description selection_options();

// The selection those options describe. --hosts takes comma-separated
// globs and, like --group and --tag, may be repeated.
inventory::Selection selection_from(const po::variables_map& values);

} // namespace shoal::cmd
