#pragma once

#include "nix/wire.hpp"
#include "support/memory_streams.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Builds NARs token by token, the way `nix-store --dump` writes them.
namespace shoal::nix::test {

inline std::string tokens(std::initializer_list<std::string_view> texts) {
    shoal::test::StringSink sink;
    for (const auto text : texts) {
        write_string(sink, text);
    }
    return sink.text;
}

inline std::string regular_node(std::string_view contents, bool executable = false) {
    return tokens({"(", "type", "regular"}) + (executable ? tokens({"executable", ""}) : "") +
           tokens({"contents", contents, ")"});
}

inline std::string symlink_node(std::string_view target) {
    return tokens({"(", "type", "symlink", "target", target, ")"});
}

inline std::string directory_node(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string node = tokens({"(", "type", "directory"});
    for (const auto& [name, child] : entries) {
        node += tokens({"entry", "(", "name", name, "node"}) + child + tokens({")"});
    }
    return node + tokens({")"});
}

inline std::string nar(const std::string& root) {
    return tokens({"nix-archive-1"}) + root;
}

} // namespace shoal::nix::test
