#include "nix/store_path.hpp"

#include "nix/nixbase32.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace shoal::nix {
namespace {

constexpr std::size_t hash_length = 32;
constexpr std::size_t max_name_length = 211;

bool is_name_character(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("+-._?=").find(c) != std::string_view::npos;
}

} // namespace

std::optional<std::string> store_path_problem(std::string_view path) {
    const auto prefix = std::string(store_dir) + "/";
    if (!path.starts_with(prefix)) {
        return fmt::format("'{}' is not in the Nix store {}", path, store_dir);
    }
    const auto base = path.substr(prefix.size());
    if (base.size() < hash_length + 2 || base[hash_length] != '-') {
        return fmt::format("'{}' is not a store path: expected {}/<32-character hash>-<name>", path,
                           store_dir);
    }
    const auto hash = base.substr(0, hash_length);
    if (!std::all_of(hash.begin(), hash.end(), nixbase32::is_digit)) {
        return fmt::format("store path '{}' has an invalid hash part '{}'", path, hash);
    }
    const auto name = base.substr(hash_length + 1);
    if (name.size() > max_name_length) {
        return fmt::format("store path '{}' has a name longer than {} characters", path,
                           max_name_length);
    }
    const auto bad = std::find_if_not(name.begin(), name.end(), is_name_character);
    if (bad != name.end()) {
        return fmt::format("store path '{}' contains the illegal character '{}'", path, *bad);
    }
    return std::nullopt;
}

std::string parse_store_path(std::string_view path) {
    if (auto problem = store_path_problem(path)) {
        throw util::UsageError(*problem);
    }
    return std::string(path);
}

std::optional<std::string> enclosing_store_entry(std::string_view path) {
    const std::filesystem::path store(store_dir);
    const std::filesystem::path whole(path);
    auto part = whole.begin();
    for (const auto& store_part : store) {
        if (part == whole.end() || *part != store_part) {
            return std::nullopt;
        }
        ++part;
    }
    if (part == whole.end() || part->empty()) {
        return std::nullopt;
    }
    return (store / *part).string();
}

} // namespace shoal::nix
