#pragma once

#include <optional>
#include <string>
#include <string_view>

// Store path syntax as Nix 2.8 checks it (libstore/path.cc):
// /nix/store/<32 nixbase32 characters>-<name>.
namespace shoal::nix {

inline constexpr std::string_view store_dir = "/nix/store";

// Why `path` is not a well-formed store path, or nothing if it is one.
std::optional<std::string> store_path_problem(std::string_view path);

// Returns `path` if it is a well-formed store path; throws util::UsageError
// naming it otherwise.
std::string parse_store_path(std::string_view path);

// "/nix/store/<entry>" when the absolute, normalized `path` is that entry of
// the store directory or lies inside it, unchecked (see store_path_problem);
// nothing for paths outside the store and for the store directory itself.
std::optional<std::string> enclosing_store_entry(std::string_view path);

} // namespace shoal::nix
