#include "sshconfig/host_pattern.hpp"

#include <cctype>

namespace shoal::sshconfig {
namespace {

bool same_letter(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
}

} // namespace

bool matches_wildcard(std::string_view pattern, std::string_view host) {
    // Iterative glob with one backtrack point: linear in practice, never exponential.
    std::size_t p = 0;
    std::size_t h = 0;
    std::size_t star = std::string_view::npos;
    std::size_t star_host = 0;
    while (h < host.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || same_letter(pattern[p], host[h]))) {
            ++p;
            ++h;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_host = h;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            h = ++star_host;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

bool matches_host_line(const std::vector<std::string>& patterns, std::string_view host) {
    bool matched = false;
    for (const auto& written : patterns) {
        std::string_view pattern = written;
        const bool negated = !pattern.empty() && pattern.front() == '!';
        if (negated) {
            pattern.remove_prefix(1);
        }
        if (matches_wildcard(pattern, host)) {
            if (negated) {
                return false;
            }
            matched = true;
        }
    }
    return matched;
}

} // namespace shoal::sshconfig
