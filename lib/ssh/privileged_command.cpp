#include "ssh/privileged_command.hpp"

#include "util/shell_quote.hpp"

namespace shoal::ssh {
namespace {

// Words of plain characters, one space apart: nothing a shell would interpret.
bool is_simple(std::string_view command) {
    if (command.empty()) {
        return false;
    }
    for (;;) {
        const auto space = command.find(' ');
        if (!util::is_plain_shell_word(command.substr(0, space))) {
            return false;
        }
        if (space == std::string_view::npos) {
            return true;
        }
        command.remove_prefix(space + 1);
    }
}

} // namespace

std::string with_sudo(std::string_view command) {
    return is_simple(command) ? "sudo -n -- " + std::string(command)
                              : "sudo -n -- sh -c " + util::shell_quote(command);
}

} // namespace shoal::ssh
