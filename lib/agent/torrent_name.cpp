#include "agent/torrent_name.hpp"

#include "util/error.hpp"

#include <libtorrent/torrent_info.hpp>

namespace shoal::agent {

std::string torrent_name(std::string_view torrent_bytes) {
    lt::error_code error;
    const lt::torrent_info info(torrent_bytes.data(), static_cast<int>(torrent_bytes.size()),
                                error);
    if (error) {
        throw util::Error("invalid torrent: " + error.message());
    }
    return info.name();
}

} // namespace shoal::agent
