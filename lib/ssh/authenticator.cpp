#include "ssh/authenticator.hpp"

#include "ssh/agent.hpp"
#include "ssh/error.hpp"
#include "ssh/key_blob.hpp"
#include "ssh/libssh2_session.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <spdlog/spdlog.h>

namespace shoal::ssh {
namespace {

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// From the .pub file next to it when there is one, else from the private key itself.
std::string identity_key_type(const std::filesystem::path& file, const std::string& text) {
    std::ifstream pub(file.string() + ".pub");
    std::string type;
    if (pub >> type) {
        return type;
    }
    return key_type_of_private_key(text);
}

} // namespace

void Authenticator::run() {
    const std::string& user = session_.options().user;
    char* methods = nullptr;
    session_.retry("asking for authentication methods", [&] {
        methods = libssh2_userauth_list(session_.handle(), user.c_str(),
                                        static_cast<unsigned>(user.size()));
        return methods != nullptr ? 0 : libssh2_session_last_errno(session_.handle());
    });
    if (methods == nullptr) {
        if (libssh2_userauth_authenticated(session_.handle()) != 0) {
            return;
        }
        fail("the server did not list its authentication methods: " + session_.last_error());
    }
    if (std::string_view(methods).find("publickey") == std::string_view::npos) {
        fail(fmt::format("the server offers only '{}', and shoal logs in with keys only", methods));
    }
    // IdentitiesOnly: the named files alone, however many keys ssh-agent holds.
    const bool files_only =
        session_.options().identities_only && !session_.options().identities.empty();
    if (!files_only && try_agent()) {
        return;
    }
    const auto home =
        session_.options().identities.empty() ? home_directory() : std::filesystem::path();
    const auto files = session_.options().identity_files(home);
    if (files.empty()) {
        attempts_.push_back(fmt::format("identity files: none of {0}/.ssh/id_ed25519 and "
                                        "{0}/.ssh/id_ecdsa exists",
                                        home.string()));
    }
    for (const auto& file : files) {
        if (try_identity_file(file)) {
            return;
        }
    }
    fail("no key was accepted");
}

bool Authenticator::try_agent() {
    const char* socket = std::getenv("SSH_AUTH_SOCK");
    if (socket == nullptr || *socket == '\0') {
        attempts_.push_back("ssh-agent: SSH_AUTH_SOCK is not set");
        return false;
    }
    try {
        const Agent agent(session_.handle());
        if (agent.identities().empty()) {
            attempts_.push_back(fmt::format("ssh-agent at {}: holds no keys", socket));
        }
        for (libssh2_agent_publickey* identity : agent.identities()) {
            const std::string type =
                key_type_of_blob(std::span(identity->blob, identity->blob_len));
            const std::string what = fmt::format(
                "ssh-agent key '{}' ({} {})", identity->comment ? identity->comment : "", type,
                sha256_fingerprint(std::span(identity->blob, identity->blob_len)));
            const int rc = session_.retry("authenticating with " + what, [&] {
                return libssh2_agent_userauth(agent.handle(), session_.options().user.c_str(),
                                              identity);
            });
            if (offer(what, type, rc)) {
                return true;
            }
        }
    } catch (const util::Error& e) {
        attempts_.push_back(fmt::format("ssh-agent at {}: {}", socket, e.what()));
    }
    return false;
}

bool Authenticator::try_identity_file(const std::filesystem::path& file) {
    const std::string text = read_file(file);
    if (text.empty()) {
        attempts_.push_back(
            fmt::format("identity {}: missing, empty or unreadable", file.string()));
        return false;
    }
    const std::string type = identity_key_type(file, text);
    const std::string what = fmt::format("identity {} ({})", file.string(), type);
    const std::string& user = session_.options().user;
    const int rc = session_.retry("authenticating with " + what, [&] {
        return libssh2_userauth_publickey_fromfile_ex(session_.handle(), user.c_str(),
                                                      static_cast<unsigned>(user.size()), nullptr,
                                                      file.c_str(), nullptr);
    });
    return offer(what, type, rc);
}

// Records the outcome of one key; true if it got us in.
bool Authenticator::offer(const std::string& what, const std::string& key_type, int rc) {
    if (rc == 0) {
        spdlog::debug("{}: logged in with {}", session_.destination(), what);
        return true;
    }
    key_types_.push_back(key_type);
    const bool refused =
        rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED;
    attempts_.push_back(
        fmt::format("{}: {}", what, refused ? "refused by the server" : session_.last_error()));
    return false;
}

void Authenticator::fail(const std::string& reason) const {
    std::string message = fmt::format("{}: authentication as '{}' failed: {}",
                                      session_.destination(), session_.options().user, reason);
    for (const auto& attempt : attempts_) {
        message += "\n  tried " + attempt;
    }
    const bool only_rsa = !key_types_.empty() &&
                          std::all_of(key_types_.begin(), key_types_.end(),
                                      [](const std::string& type) { return type == "ssh-rsa"; });
    if (only_rsa) {
        message += "\n  RSA keys do not work against OpenSSH 8.8 or later with libssh2 1.10, which "
                   "cannot make rsa-sha2-256/512 signatures: use an ed25519 or ECDSA key";
    }
    throw AuthenticationError(message);
}

} // namespace shoal::ssh
