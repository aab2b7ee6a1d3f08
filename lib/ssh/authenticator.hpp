#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace shoal::ssh {

class Libssh2Session;

// Logs a handshaken session in: each ssh-agent key, then each identity file.
// On failure the AuthenticationError lists everything that was tried and why
// it failed, and explains the one trap users hit: RSA keys against OpenSSH >= 8.8.
class Authenticator {
public:
    explicit Authenticator(Libssh2Session& session) : session_(session) {}
    void run();

private:
    bool try_agent();
    bool try_identity_file(const std::filesystem::path& file);
    bool offer(const std::string& what, const std::string& key_type, int rc);
    [[noreturn]] void fail(const std::string& reason) const;

    Libssh2Session& session_;
    std::vector<std::string> attempts_;
    std::vector<std::string> key_types_;
};

} // namespace shoal::ssh
