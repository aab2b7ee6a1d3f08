#include "ssh/known_hosts.hpp"

#include "io/fd.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <spdlog/spdlog.h>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

namespace shoal::ssh {
namespace {

struct KeyKind {
    int hostkey_type;
    int knownhost_key;
    const char* algorithm;
};

// In the order we prefer them when known_hosts holds several for one host.
constexpr std::array key_kinds{
    KeyKind{LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
    KeyKind{LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
    KeyKind{LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
    KeyKind{LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
    KeyKind{LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa"},
    KeyKind{LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss"},
};

const KeyKind* kind_of_hostkey(int hostkey_type) {
    for (const auto& kind : key_kinds) {
        if (kind.hostkey_type == hostkey_type) {
            return &kind;
        }
    }
    return nullptr;
}

std::string session_error(LIBSSH2_SESSION* session) {
    char* message = nullptr;
    libssh2_session_last_error(session, &message, nullptr, 0);
    return message != nullptr ? message : "unknown error";
}

void write_all(int fd, const std::string& text, const std::filesystem::path& file) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            util::throw_errno(fmt::format("cannot write to {}", file.string()));
        }
        done += static_cast<std::size_t>(n);
    }
}

// libssh2 1.10 leaks an HMAC context at every lookup that meets a hashed entry
// ("|1|salt|hash") whose hash is not a SHA-1's 20 bytes; such an entry can never
// match, so it is skipped instead.
bool is_unmatchable_hashed_entry(std::string_view hosts) {
    if (!hosts.starts_with("|1|")) {
        return false;
    }
    const auto separator = hosts.find('|', 3);
    if (separator == std::string_view::npos) {
        return true;
    }
    try {
        return base64_decode(hosts.substr(separator + 1)).size() != 20;
    } catch (const util::Error&) {
        return true;
    }
}

} // namespace

KnownHosts::KnownHosts(LIBSSH2_SESSION* session, std::filesystem::path file)
    : file_(std::move(file)), hosts_(libssh2_knownhost_init(session)) {
    if (hosts_ == nullptr) {
        throw util::Error("cannot set up a known_hosts list: " + session_error(session));
    }
    try {
        load(session);
    } catch (...) {
        libssh2_knownhost_free(hosts_);
        throw;
    }
}

void KnownHosts::load(LIBSSH2_SESSION* session) {
    if (!std::filesystem::exists(file_)) {
        return;
    }
    std::ifstream in(file_);
    if (!in) {
        throw util::Error(fmt::format("cannot read {}", file_.string()));
    }
    for (std::string line; std::getline(in, line);) {
        lines_.push_back(line);
        std::istringstream fields(line);
        std::string first;
        if (!(fields >> first) || first.starts_with('#')) {
            continue;
        }
        if (first == "@revoked") {
            std::string hosts, type, key;
            fields >> hosts >> type >> key;
            revoked_keys_.push_back(key);
            continue;
        }
        if (first.starts_with('@') || is_unmatchable_hashed_entry(first) ||
            libssh2_knownhost_readline(hosts_, line.data(), line.size(),
                                       LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
            spdlog::debug("{}:{}: skipped, libssh2 cannot use it ({})", file_.string(),
                          lines_.size(), session_error(session));
        }
    }
}

KnownHosts::~KnownHosts() {
    libssh2_knownhost_free(hosts_);
}

std::string KnownHosts::key_algorithms(const std::string& host, int port) const {
    // libssh2 has no lookup by host for hashed entries, but checking a key that
    // cannot match tells "mismatch" exactly when an entry of that type exists
    // ("match" if the file holds that very key, which no server can present).
    std::string algorithms;
    for (const auto& kind : key_kinds) {
        const int rc = libssh2_knownhost_checkp(
            hosts_, host.c_str(), port, "AAAA", 4,
            LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_BASE64 | kind.knownhost_key,
            nullptr);
        if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH || rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
            algorithms += (algorithms.empty() ? "" : ",") + std::string(kind.algorithm);
        }
    }
    return algorithms;
}

KnownHosts::Check KnownHosts::check(const std::string& host, int port,
                                    std::span<const unsigned char> key, int hostkey_type) const {
    const KeyKind* kind = kind_of_hostkey(hostkey_type);
    if (kind == nullptr) {
        throw util::Error(fmt::format("{} offered a host key of a type libssh2 does not know ({})",
                                      host, hostkey_type));
    }
    if (std::find(revoked_keys_.begin(), revoked_keys_.end(), base64_encode(key)) !=
        revoked_keys_.end()) {
        return {Verdict::revoked, {}};
    }
    libssh2_knownhost* entry = nullptr;
    const int rc = libssh2_knownhost_checkp(
        hosts_, host.c_str(), port, reinterpret_cast<const char*>(key.data()), key.size(),
        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | kind->knownhost_key, &entry);
    switch (rc) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return {Verdict::match, {}};
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        return {Verdict::mismatch, base64_decode(entry->key)};
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        return {Verdict::unknown, {}};
    default:
        throw util::Error(
            fmt::format("cannot check the host key of {} against {}", host, file_.string()));
    }
}

std::optional<std::size_t> KnownHosts::line_of(std::span<const unsigned char> key) const {
    const std::string wanted = base64_encode(key);
    for (std::size_t index = 0; index < lines_.size(); ++index) {
        std::istringstream fields(lines_[index]);
        std::string field;
        while (fields >> field) {
            if (field == wanted) {
                return index + 1;
            }
        }
    }
    return std::nullopt;
}

void KnownHosts::append(const std::string& host, int port,
                        std::span<const unsigned char> key) const {
    io::UniqueFd fd(::open(file_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) {
        util::throw_errno(fmt::format("cannot open {} to add {}", file_.string(), host));
    }
    if (::flock(fd.get(), LOCK_EX) != 0) {
        util::throw_errno(fmt::format("cannot lock {}", file_.string()));
    }
    // A file whose last line lacks its newline would swallow our entry.
    std::string text = known_hosts_line(host, port, key);
    const off_t size = ::lseek(fd.get(), 0, SEEK_END);
    char last = '\n';
    if (size > 0 && ::pread(fd.get(), &last, 1, size - 1) == 1 && last != '\n') {
        text.insert(0, "\n");
    }
    write_all(fd.get(), text, file_);
    if (::fsync(fd.get()) != 0) {
        util::throw_errno(fmt::format("cannot sync {}", file_.string()));
    }
}

std::string hostkey_algorithm(int hostkey_type) {
    const KeyKind* kind = kind_of_hostkey(hostkey_type);
    return kind != nullptr ? kind->algorithm : "";
}

std::string known_hosts_line(const std::string& host, int port,
                             std::span<const unsigned char> key) {
    const std::string name = port == 22 ? host : fmt::format("[{}]:{}", host, port);
    return fmt::format("{} {} {}\n", name, key_type_of_blob(key), base64_encode(key));
}

} // namespace shoal::ssh
