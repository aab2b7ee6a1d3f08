#include "ssh/agent.hpp"

#include "util/error.hpp"

namespace shoal::ssh {
namespace {

std::string session_error(LIBSSH2_SESSION* session) {
    char* message = nullptr;
    libssh2_session_last_error(session, &message, nullptr, 0);
    return message != nullptr ? message : "unknown error";
}

} // namespace

Agent::Agent(LIBSSH2_SESSION* session) : agent_(libssh2_agent_init(session)) {
    if (agent_ == nullptr) {
        throw util::Error("cannot set up an ssh-agent client: " + session_error(session));
    }
    if (libssh2_agent_connect(agent_) != 0) {
        const std::string message = "cannot connect to ssh-agent: " + session_error(session);
        libssh2_agent_free(agent_);
        throw util::Error(message);
    }
    if (libssh2_agent_list_identities(agent_) != 0) {
        const std::string message = "cannot list ssh-agent's keys: " + session_error(session);
        libssh2_agent_disconnect(agent_);
        libssh2_agent_free(agent_);
        throw util::Error(message);
    }
    libssh2_agent_publickey* identity = nullptr;
    while (libssh2_agent_get_identity(agent_, &identity, identity) == 0) {
        identities_.push_back(identity);
    }
}

Agent::~Agent() {
    libssh2_agent_disconnect(agent_);
    libssh2_agent_free(agent_);
}

} // namespace shoal::ssh
