#pragma once

#include <string>
#include <string_view>

namespace shoal::agent {

// The name of a bencoded torrent: the directory, under a swarm session's
// save path, that holds its files. Throws util::Error if it is no torrent.
std::string torrent_name(std::string_view torrent_bytes);

} // namespace shoal::agent
