#include "nix/copy_paths.hpp"

#include <spdlog/spdlog.h>

namespace shoal::nix {

std::uint64_t copy_paths(ServeConnection& from, ServeConnection& to,
                         const std::vector<PathInfo>& infos) {
    std::uint64_t bytes = 0;
    for (const auto& info : infos) {
        spdlog::debug("copying {} ({} bytes)", info.path, info.nar_size);
        to.add_to_store_nar(info, [&](io::Sink& nar) { from.dump_store_path(info.path, nar); });
        bytes += info.nar_size;
    }
    return bytes;
}

} // namespace shoal::nix
