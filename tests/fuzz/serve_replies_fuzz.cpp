// Replies of `nix-store --serve`: the client either accepts a reply that is
// well-formed for its request or throws ServeError, after which the
// connection refuses every command. Input format: serve_script.hpp.
#include "fuzz_check.hpp"
#include "nix/serve_connection.hpp"
#include "serve_script.hpp"
#include "support/memory_streams.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using shoal::fuzz::require;
namespace fuzz = shoal::fuzz;
namespace nix = shoal::nix;
namespace test = shoal::test;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input =
        fuzz::split_serve_input(std::string_view(reinterpret_cast<const char*>(data), size));
    // Small reads, as from a pipe, so replies arrive split at every point.
    test::StringSource replies(std::string(input.replies), 7);
    test::StringSink requests;
    nix::ServeConnection connection(replies, requests, [] { return std::string(); });
    bool failed = false;
    try {
        connection.handshake();
    } catch (const nix::ServeError&) {
        failed = true;
    }
    for (const char command : input.script) {
        try {
            if (fuzz::run_serve_command(connection, command)) {
                require(!failed, "no command succeeds after a failed one");
            }
        } catch (const nix::ServeError&) {
            failed = true;
        }
    }
    return 0;
}
