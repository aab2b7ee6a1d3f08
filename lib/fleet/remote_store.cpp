#include "fleet/remote_store.hpp"

namespace shoal::fleet {

ssh::ConnectOptions connect_options(const inventory::Host& host, const RemoteOptions& options) {
    ssh::ConnectOptions result;
    result.address = host.address;
    result.port = host.port;
    result.user = host.user;
    result.identity = host.identity;
    result.known_hosts = host.known_hosts;
    result.accept_new_host_keys = options.accept_new_host_keys;
    result.connect_timeout = options.connect_timeout;
    result.io_timeout = options.io_timeout;
    return result;
}

RemoteStore::RemoteStore(const ssh::Library& library, const inventory::Host& host,
                         const RemoteOptions& options)
    : session_(library, connect_options(host, options)),
      channel_(session_, options.remote_nix_store + " --serve --write"),
      connection_(channel_.output(), channel_.input(), [this] {
          // nix-store reports a failure on stderr and exits: wait for the
          // exit so that the whole message is in.
          const int status = channel_.exit_status();
          std::string message = channel_.error_output();
          if (message.empty()) {
              message = "'" + channel_.command() + "' exited with status " + std::to_string(status);
          }
          return message;
      }) {
    connection_.handshake();
}

} // namespace shoal::fleet
