// Agent protocol lines: each parse_*() either throws ProtocolError or returns
// a message whose encoding parses back to the same encoding. The input is one
// line, tried as an assignment, a command and an event.
#include "agent/messages.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using shoal::fuzz::require;
namespace agent = shoal::agent;

namespace {

template <class Parse> void check_round_trip(std::string_view line, Parse parse) {
    std::string encoded;
    try {
        encoded = agent::encode(parse(line));
    } catch (const agent::ProtocolError&) {
        return;
    }
    bool reparsed = false;
    try {
        reparsed = agent::encode(parse(encoded)) == encoded;
    } catch (const agent::ProtocolError&) {
    }
    require(reparsed, "an accepted message survives encode() and parse unchanged");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    check_round_trip(line, agent::parse_assignment);
    check_round_trip(line, agent::parse_command);
    check_round_trip(line, agent::parse_event);
    return 0;
}
