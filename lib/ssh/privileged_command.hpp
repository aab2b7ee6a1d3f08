#pragma once

#include <string>
#include <string_view>

namespace shoal::ssh {

// `command` run as root through `sudo -n` (never a password prompt: sudo
// fails at once instead). A simple command (plain words, one space apart:
// util::is_plain_shell_word) is handed to sudo as is, so that a sudoers rule naming the
// program (nix-store, shoal) allows it; anything with shell syntax runs as
// `sudo -n -- sh -c '...'`, which needs a rule for sh.
std::string with_sudo(std::string_view command);

} // namespace shoal::ssh
