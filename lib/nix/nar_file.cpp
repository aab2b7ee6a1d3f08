#include "nix/nar_file.hpp"

namespace shoal::nix {
namespace {

constexpr std::string_view zstd_suffix = ".nar.zst";

} // namespace

std::string_view compression_name(NarCompression compression) {
    return compression == NarCompression::zstd ? "zstd" : "none";
}

std::string nar_file_name(std::string_view store_path, NarCompression compression) {
    const auto slash = store_path.rfind('/');
    std::string name(slash == std::string_view::npos ? store_path : store_path.substr(slash + 1));
    return name + std::string(compression == NarCompression::zstd ? zstd_suffix : ".nar");
}

NarCompression nar_file_compression(std::string_view file_name) {
    return file_name.ends_with(zstd_suffix) ? NarCompression::zstd : NarCompression::none;
}

} // namespace shoal::nix
