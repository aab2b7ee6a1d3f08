#include "sshconfig/jump_spec.hpp"

#include "util/error.hpp"

#include <charconv>
#include <fmt/format.h>

namespace shoal::sshconfig {
namespace {

bool has_blank_or_control(std::string_view text) {
    for (const unsigned char c : text) {
        if (c <= ' ' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

std::uint16_t parse_port(std::string_view jump, std::string_view text) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
        throw util::UsageError(
            fmt::format("jump host '{}': port '{}' is not a number from 1 to 65535", jump, text));
    }
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::string JumpSpec::to_string() const {
    const bool bracket = host.find(':') != std::string::npos && port;
    return fmt::format("{}{}{}{}{}", user.empty() ? "" : user + "@", bracket ? "[" : "", host,
                       bracket ? "]" : "", port ? fmt::format(":{}", *port) : "");
}

JumpSpec parse_jump_spec(std::string_view text) {
    const std::string_view written = text;
    if (text.starts_with("ssh://")) {
        text.remove_prefix(6);
        if (!text.empty() && text.back() == '/') {
            text.remove_suffix(1);
        }
    }
    if (text.empty() || has_blank_or_control(text)) {
        throw util::UsageError(fmt::format("jump host '{}': expected [user@]host[:port]", written));
    }
    JumpSpec spec;
    if (const auto at = text.rfind('@'); at != std::string_view::npos) {
        spec.user = std::string(text.substr(0, at));
        text.remove_prefix(at + 1);
        if (spec.user.empty()) {
            throw util::UsageError(fmt::format("jump host '{}': empty user before '@'", written));
        }
    }
    if (text.starts_with('[')) {
        const auto closing = text.find(']');
        if (closing == std::string_view::npos) {
            throw util::UsageError(fmt::format("jump host '{}': '[' without ']'", written));
        }
        spec.host = std::string(text.substr(1, closing - 1));
        text.remove_prefix(closing + 1);
        if (!text.empty()) {
            if (text.front() != ':') {
                throw util::UsageError(
                    fmt::format("jump host '{}': expected ':port' after ']'", written));
            }
            spec.port = parse_port(written, text.substr(1));
        }
    } else if (const auto colon = text.find(':');
               colon != std::string_view::npos &&
               text.find(':', colon + 1) == std::string_view::npos) {
        spec.host = std::string(text.substr(0, colon));
        spec.port = parse_port(written, text.substr(colon + 1));
    } else {
        // No colon, or several: a bare IPv6 address.
        spec.host = std::string(text);
    }
    if (spec.host.empty()) {
        throw util::UsageError(fmt::format("jump host '{}': no host name", written));
    }
    return spec;
}

std::vector<JumpSpec> parse_jump_chain(std::string_view text) {
    if (text == "none") {
        return {};
    }
    std::vector<JumpSpec> chain;
    for (;;) {
        const auto comma = text.find(',');
        chain.push_back(parse_jump_spec(text.substr(0, comma)));
        if (comma == std::string_view::npos) {
            return chain;
        }
        text.remove_prefix(comma + 1);
    }
}

} // namespace shoal::sshconfig
