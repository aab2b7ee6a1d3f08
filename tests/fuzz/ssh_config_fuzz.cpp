// OpenSSH client configuration text: SshConfig::parse either accepts it, and
// then every lookup succeeds, or throws a UsageError naming the file and
// line; anything else escaping is a finding. Include lines are left out: they
// would read this machine's files (unit tests cover them).
#include "fuzz_check.hpp"
#include "sshconfig/ssh_config.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using shoal::fuzz::require;
namespace sshconfig = shoal::sshconfig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("include") != std::string::npos) {
        return 0;
    }
    const sshconfig::ConfigEnvironment environment{"/nonexistent/home", "alice"};
    try {
        const auto config = sshconfig::SshConfig::parse(text, "config", environment);
        for (const char* host : {"web-1", "gate", "", "10.0.0.1"}) {
            const auto found = config.lookup(host);
            require(!found.port || *found.port != 0, "ports are never 0");
            for (const auto& note : found.not_followed) {
                require(note.starts_with("config:"), "notes name the file");
            }
        }
    } catch (const shoal::util::UsageError& e) {
        require(std::string_view(e.what()).starts_with("config:"), "errors name the file");
    }
    return 0;
}
