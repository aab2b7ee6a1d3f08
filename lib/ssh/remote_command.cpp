#include "ssh/remote_command.hpp"

#include "ssh/channel.hpp"

#include <array>
#include <fmt/format.h>

namespace shoal::ssh {
namespace {

constexpr std::size_t max_output_bytes = 64 * 1024;

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \n\r\t");
    if (first == std::string::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \n\r\t") - first + 1);
}

} // namespace

std::string CommandResult::reason() const {
    if (!error.empty()) {
        return error;
    }
    if (const auto out = trimmed(output); !out.empty()) {
        return out;
    }
    return fmt::format("exit status {}", exit_status);
}

CommandResult run_remote(Session& session, const std::string& command, std::string_view input) {
    const auto channel = session.start(command);
    if (!input.empty()) {
        channel->input().write(input);
    }
    channel->send_eof();
    CommandResult result;
    std::array<char, 16 * 1024> buffer{};
    while (const std::size_t n = channel->output().read_some(buffer)) {
        result.output.append(buffer.data(), n);
        if (result.output.size() > max_output_bytes) {
            result.output.erase(0, result.output.size() - max_output_bytes);
        }
    }
    result.exit_status = channel->exit_status();
    result.error = channel->error_output();
    return result;
}

} // namespace shoal::ssh
