#pragma once

// The requests serve_replies_fuzz makes, shared with capture_serve_replies so
// that replies recorded from a real `nix-store --serve` answer exactly them.
//
// An input (a seed file) is a script line, then the server's byte stream:
// "VIC\n" + handshake reply + replies. Each letter of the script is one
// command: V QueryValidPaths, I QueryPathInfos, C QueryClosure,
// D DumpStorePath, A AddToStoreNar; others are ignored.

#include "fuzz_check.hpp"
#include "nix/serve_connection.hpp"
#include "support/memory_streams.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace shoal::fuzz {

// The paths tests/fuzz/generate-seeds adds to the store: a file, a file
// referring to it (both builtins.toFile) and a small tree (nix-store --add).
inline const std::string path_a = "/nix/store/lj830jphhhg0s4nmyzv7hamw5klhxymi-shoal-fuzz-a";
inline const std::string path_b = "/nix/store/pc6niik4pqcm9zfv3h47ir53h3dh9kf2-shoal-fuzz-b";
inline const std::string path_c = "/nix/store/8q843gb03zwbwqrnfc8iccyadvh4wkha-shoal-fuzz-c";
inline const std::string path_missing = "/nix/store/00000000000000000000000000000000-missing";

inline constexpr std::size_t max_script_length = 8;

// The script line of an input and the server's bytes after it.
struct ServeInput {
    std::string_view script;
    std::string_view replies;
};

inline ServeInput split_serve_input(std::string_view input) {
    const auto end = input.find('\n');
    if (end == std::string_view::npos) {
        return {input.substr(0, max_script_length), {}};
    }
    return {input.substr(0, std::min(end, max_script_length)), input.substr(end + 1)};
}

// Runs one command of a script and checks what the client accepted; false
// for a letter that names no command.
inline bool run_serve_command(nix::ServeConnection& connection, char command) {
    const std::set<std::string> asked{path_a, path_b, path_c, path_missing};
    switch (command) {
    case 'V':
        // Like Nix's own client, this one takes paths it did not ask about: callers only
        // test membership.
        connection.query_valid_paths(asked, false, false);
        return true;
    case 'I': {
        const auto infos = connection.query_path_infos(asked);
        require(infos.size() <= asked.size(), "at most one info per path asked for");
        for (const auto& info : infos) {
            require(asked.contains(info.path), "infos are of paths asked for");
        }
        return true;
    }
    case 'C':
        connection.query_closure({path_b, path_c}, false);
        return true;
    case 'D': {
        test::StringSink nar;
        const auto size = connection.dump_store_path(path_c, nar);
        require(size == nar.text.size(), "DumpStorePath returns the NAR's size");
        return true;
    }
    case 'A': {
        // Only the server's answer is read back; the NAR's bytes do not matter here.
        nix::PathInfo info;
        info.path = path_missing;
        info.nar_size = 8;
        info.nar_hash = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
        test::StringSource nar(std::string(8, '\0'));
        connection.send_add_to_store_nar(info, nar);
        connection.take_add_to_store_nar_reply();
        return true;
    }
    default:
        return false;
    }
}

} // namespace shoal::fuzz
