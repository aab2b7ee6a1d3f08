#pragma once

#include <string>
#include <string_view>

namespace shoal::nix {

// How a staged NAR file is stored; its name says which, as in a binary cache.
enum class NarCompression { none, zstd };

// "none" or "zstd", as the command line and the events spell it.
std::string_view compression_name(NarCompression compression);

// The file name a path's NAR has in the staging directory and the torrent:
// the store path's base name plus ".nar", or ".nar.zst" when compressed;
// unique and readable.
std::string nar_file_name(std::string_view store_path, NarCompression compression);

// How the NAR in a file of that name is stored: zstd for "*.nar.zst".
NarCompression nar_file_compression(std::string_view file_name);

} // namespace shoal::nix
