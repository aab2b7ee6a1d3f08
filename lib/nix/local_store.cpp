#include "nix/local_store.hpp"

namespace shoal::nix {
namespace {

std::vector<std::string> serve_command(const std::vector<std::string>& extra_args,
                                       const std::string& program) {
    std::vector<std::string> argv{program, "--serve", "--write"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    return argv;
}

} // namespace

LocalStore::LocalStore(const std::vector<std::string>& extra_args, const std::string& program)
    : process_(serve_command(extra_args, program)),
      connection_(process_.output(), process_.input(), [this] {
          // The server exits after reporting an error; its full message is
          // there once it has.
          process_.wait();
          return process_.error_output();
      }) {
    connection_.handshake();
}

} // namespace shoal::nix
