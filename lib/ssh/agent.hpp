#pragma once

#include <libssh2.h>
#include <vector>

namespace shoal::ssh {

// A connection to the ssh-agent named by SSH_AUTH_SOCK, closed on destruction.
class Agent {
public:
    // Throws util::Error when the agent cannot be reached or listed.
    explicit Agent(LIBSSH2_SESSION* session);
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // The agent's keys; valid as long as this object.
    const std::vector<libssh2_agent_publickey*>& identities() const { return identities_; }
    LIBSSH2_AGENT* handle() const { return agent_; }

private:
    LIBSSH2_AGENT* agent_;
    std::vector<libssh2_agent_publickey*> identities_;
};

} // namespace shoal::ssh
