#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace shoal::push {

// The Nix system an ELF executable runs on ("x86_64-linux", "aarch64-linux",
// ...), read from its header. Throws util::UsageError naming the file when it
// is not an ELF executable of a system shoal knows.
std::string executable_system(const std::filesystem::path& file);

// The Nix system `uname -sm` describes ("Linux aarch64" -> "aarch64-linux");
// empty when it is none shoal knows.
std::string system_from_uname(std::string_view uname);

} // namespace shoal::push
