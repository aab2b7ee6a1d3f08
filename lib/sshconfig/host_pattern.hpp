#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shoal::sshconfig {

// OpenSSH's wildcard match: '*' is any run of characters, '?' any one;
// host names compare without regard to case.
bool matches_wildcard(std::string_view pattern, std::string_view host);

// A `Host` line's patterns (each possibly negated with '!') against a host:
// true when some plain pattern matches and no negated one does.
bool matches_host_line(const std::vector<std::string>& patterns, std::string_view host);

} // namespace shoal::sshconfig
