#pragma once

#include "ssh/key_blob.hpp"

#include <filesystem>
#include <libssh2.h>
#include <optional>
#include <string>
#include <vector>

namespace shoal::ssh {

// One OpenSSH known_hosts file, as libssh2 reads it (hashed entries and
// "[host]:port" included) plus @revoked keys. Lines libssh2 cannot read
// (certificate authorities, security keys) are skipped, as OpenSSH skips what
// it does not know. Loaded once; additions go straight to the file.
class KnownHosts {
public:
    enum class Verdict { match, mismatch, unknown, revoked };
    struct Check {
        Verdict verdict;
        // For a mismatch: the key known_hosts holds, as a blob.
        Bytes expected_key;
    };

    // A missing file is an empty list (it is created on the first addition).
    KnownHosts(LIBSSH2_SESSION* session, std::filesystem::path file);
    ~KnownHosts();
    KnownHosts(const KnownHosts&) = delete;
    KnownHosts& operator=(const KnownHosts&) = delete;

    // The host key algorithms the file holds keys of for host:port, as a
    // libssh2 method preference list ("ssh-ed25519,ecdsa-sha2-nistp256"); empty if none.
    std::string key_algorithms(const std::string& host, int port) const;

    // `key` is the server's host key blob, `hostkey_type` libssh2's LIBSSH2_HOSTKEY_TYPE_*.
    Check check(const std::string& host, int port, std::span<const unsigned char> key,
                int hostkey_type) const;

    // The 1-based line holding this key (as read at construction), to point the user at it.
    std::optional<std::size_t> line_of(std::span<const unsigned char> key) const;

    // Appends one entry under an exclusive lock, so that parallel sessions
    // recording new hosts never interleave or lose lines.
    void append(const std::string& host, int port, std::span<const unsigned char> key) const;

    const std::filesystem::path& file() const { return file_; }

private:
    void load(LIBSSH2_SESSION* session);

    std::filesystem::path file_;
    LIBSSH2_KNOWNHOSTS* hosts_;
    std::vector<std::string> lines_;
    std::vector<std::string> revoked_keys_;
};

// The algorithm name libssh2 uses for one of its LIBSSH2_HOSTKEY_TYPE_* values; empty if unknown.
std::string hostkey_algorithm(int hostkey_type);

// An OpenSSH known_hosts line (with its newline): "host type base64", or
// "[host]:port type base64" for a port other than 22.
std::string known_hosts_line(const std::string& host, int port, std::span<const unsigned char> key);

} // namespace shoal::ssh
