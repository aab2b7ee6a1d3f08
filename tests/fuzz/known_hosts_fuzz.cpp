// known_hosts files: KnownHosts loads any text (skipping what libssh2 cannot
// read), then answers lookups for the hosts and keys the text names without
// crashing; a key it reports as matching is one of the host's key types.
#include "fuzz_check.hpp"
#include "ssh/key_blob.hpp"
#include "ssh/known_hosts.hpp"
#include "ssh/library.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <libssh2.h>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

using shoal::fuzz::require;
namespace ssh = shoal::ssh;
namespace util = shoal::util;

namespace {

// Enough to reach every kind of line without making each run slow.
constexpr std::size_t max_lines_checked = 16;

// The input as a file KnownHosts can open by name, without touching the disk.
class MemoryFile {
public:
    explicit MemoryFile(std::string_view text) : fd_(::memfd_create("known_hosts", MFD_CLOEXEC)) {
        require(fd_ >= 0, "memfd_create works");
        require(::write(fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size()),
                "the whole input is written");
    }
    ~MemoryFile() { ::close(fd_); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

int hostkey_type_of(const std::string& algorithm) {
    for (int type = LIBSSH2_HOSTKEY_TYPE_RSA; type <= LIBSSH2_HOSTKEY_TYPE_ED25519; ++type) {
        if (ssh::hostkey_algorithm(type) == algorithm) {
            return type;
        }
    }
    return LIBSSH2_HOSTKEY_TYPE_UNKNOWN;
}

// "host" or "[host]:port", the first of a comma-separated list.
std::pair<std::string, int> host_and_port(const std::string& hosts) {
    const std::string first = hosts.substr(0, hosts.find(','));
    const auto close = first.find("]:");
    if (first.starts_with('[') && close != std::string::npos) {
        int port = 0;
        std::istringstream(first.substr(close + 2)) >> port;
        return {first.substr(1, close - 1), port};
    }
    return {first, 22};
}

// Looks up the key of one "[marker] hosts type key" line as a server would offer it.
void check_line(const ssh::KnownHosts& known_hosts, const std::string& line,
                std::size_t line_number) {
    std::istringstream fields(line);
    std::string hosts, algorithm, key_text;
    fields >> hosts;
    if (hosts.starts_with('@')) {
        fields >> hosts;
    }
    if (!(fields >> algorithm >> key_text)) {
        return;
    }
    const auto [host, port] = host_and_port(hosts);
    ssh::Bytes key;
    try {
        key = ssh::base64_decode(key_text);
    } catch (const util::Error&) {
        return;
    }
    if (ssh::base64_encode(key) == key_text) {
        const auto found = known_hosts.line_of(key);
        require(found && *found <= line_number, "line_of finds a key by its text");
    }
    const auto algorithms = known_hosts.key_algorithms(host, port);
    const int type = hostkey_type_of(algorithm);
    if (type == LIBSSH2_HOSTKEY_TYPE_UNKNOWN) {
        return;
    }
    try {
        const auto check = known_hosts.check(host, port, key, type);
        if (check.verdict == ssh::KnownHosts::Verdict::match) {
            require(algorithms.find(algorithm) != std::string::npos,
                    "a matching key's type is among key_algorithms()");
        }
    } catch (const util::Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // libssh2's process-wide setup and a session to own the lists, for all runs.
    static const ssh::Library library;
    static LIBSSH2_SESSION* const session = libssh2_session_init();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const MemoryFile file(text);
    try {
        const ssh::KnownHosts known_hosts(session, file.path());
        std::istringstream lines{std::string(text)};
        std::size_t line_number = 0;
        for (std::string line; line_number < max_lines_checked && std::getline(lines, line);) {
            check_line(known_hosts, line, ++line_number);
        }
    } catch (const util::Error&) {
    }
    return 0;
}
