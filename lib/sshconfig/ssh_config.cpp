#include "sshconfig/ssh_config.hpp"

#include "sshconfig/host_pattern.hpp"
#include "sshconfig/jump_spec.hpp"
#include "util/error.hpp"

#include <charconv>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <glob.h>
#include <memory>
#include <set>
#include <sstream>

namespace shoal::sshconfig {
namespace {

// As OpenSSH's READCONF_MAX_DEPTH: an Include cycle ends here with an error.
constexpr int max_include_depth = 16;

// A value as written, with where: %-tokens are expanded once the lookup is done.
struct Located {
    std::string value;
    std::string where; // "FILE:LINE"
};

[[noreturn]] void fail(const std::string& where, const std::string& keyword,
                       const std::string& why) {
    throw util::UsageError(fmt::format("{}: {}: {}", where, keyword, why));
}

const std::string& one_argument(const ConfigLine& line, const std::string& where) {
    if (line.arguments.empty()) {
        fail(where, line.keyword, "missing argument");
    }
    return line.arguments.front();
}

unsigned parse_number(const ConfigLine& line, const std::string& where, unsigned max) {
    const auto& text = one_argument(line, where);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value > max) {
        fail(where, line.keyword, fmt::format("'{}' is not a number from 0 to {}", text, max));
    }
    return value;
}

bool parse_yes_no(const ConfigLine& line, const std::string& where) {
    const auto& text = one_argument(line, where);
    if (text == "yes" || text == "true") {
        return true;
    }
    if (text == "no" || text == "false") {
        return false;
    }
    fail(where, line.keyword, fmt::format("'{}': expected yes or no", text));
}

HostKeyChecking parse_host_key_checking(const ConfigLine& line, const std::string& where) {
    const auto& text = one_argument(line, where);
    // Nobody answers a prompt here: "ask" refuses unknown hosts, as "yes" does.
    if (text == "yes" || text == "true" || text == "ask") {
        return HostKeyChecking::yes;
    }
    if (text == "accept-new") {
        return HostKeyChecking::accept_new;
    }
    if (text == "no" || text == "false" || text == "off") {
        return HostKeyChecking::no;
    }
    fail(where, line.keyword, fmt::format("'{}': expected yes, accept-new, ask or no", text));
}

// Keywords that change where or how the connection goes and that shoal does
// not follow, with what it does instead.
const char* instead_of(const ConfigLine& line) {
    const std::string first = line.arguments.empty() ? "" : line.arguments.front();
    if (line.keyword == "proxycommand" && first != "none") {
        return "shoal connects directly; for a bastion use ProxyJump or the inventory's `jump:`";
    }
    if (line.keyword == "certificatefile") {
        return "shoal offers the plain key, without its certificate";
    }
    if (line.keyword == "hostkeyalias") {
        return "shoal looks the host key up under the address it connects to";
    }
    if (line.keyword == "bindaddress" || line.keyword == "bindinterface") {
        return "shoal lets the kernel choose the source address";
    }
    if (line.keyword == "canonicalizehostname" && first != "no") {
        return "shoal resolves the name as written";
    }
    return nullptr;
}

// Expands %-tokens (`allowed` lists the letters after '%' that may appear) and a leading '~'.
std::string expand(const Located& written, const std::string& keyword, std::string_view allowed,
                   const std::function<std::string(char)>& token, const std::string* home) {
    std::string out;
    std::string_view text = written.value;
    if (home != nullptr && (text == "~" || text.starts_with("~/"))) {
        out = *home;
        text.remove_prefix(1);
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 1 == text.size() ||
            (text[i + 1] != '%' && allowed.find(text[i + 1]) == std::string_view::npos)) {
            std::string tokens = "%%";
            for (const char letter : allowed) {
                tokens += fmt::format(", %{}", letter);
            }
            fail(written.where, keyword,
                 fmt::format("'{}': shoal expands only {} here", written.value, tokens));
        }
        ++i;
        out += text[i] == '%' ? std::string("%") : token(text[i]);
    }
    return out;
}

std::string read_whole(const std::filesystem::path& path) {
    // A device or a FIFO (`Include /dev/*`) would never end.
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        throw util::UsageError(fmt::format(
            "cannot read the ssh configuration {}: {}", path.string(),
            std::filesystem::exists(path, error) ? "not a regular file" : "no such file"));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw util::UsageError(fmt::format("cannot read the ssh configuration {}", path.string()));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::filesystem::path> glob_files(const std::string& pattern) {
    glob_t found{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &found);
    std::unique_ptr<glob_t, void (*)(glob_t*)> owner(&found, ::globfree);
    std::vector<std::filesystem::path> files;
    if (rc == 0) {
        for (std::size_t i = 0; i < found.gl_pathc; ++i) {
            files.emplace_back(found.gl_pathv[i]);
        }
    }
    return files;
}

} // namespace

struct SshConfig::Lookup {
    std::string host;
    HostConfig result;
    std::optional<Located> hostname;
    std::vector<Located> identity_files;
    std::optional<Located> known_hosts_file;
    std::set<std::string> reported;

    // Checks the line's value and, the first time its keyword matches, keeps it.
    void apply(const Line& at) {
        const ConfigLine& line = at.line;
        const std::string where = fmt::format("{}:{}", at.file, at.number);
        const auto& key = line.keyword;
        if (key == "hostname") {
            if (!hostname) {
                hostname = Located{one_argument(line, where), where};
            }
        } else if (key == "user") {
            take(result.user, one_argument(line, where));
        } else if (key == "port") {
            const auto port = parse_number(line, where, 65535);
            if (port == 0) {
                fail(where, key, "port 0 is not valid");
            }
            take(result.port, static_cast<std::uint16_t>(port));
        } else if (key == "identityfile") {
            identity_files.push_back({one_argument(line, where), where});
        } else if (key == "identitiesonly") {
            take(result.identities_only, parse_yes_no(line, where));
        } else if (key == "proxyjump") {
            const auto& chain = one_argument(line, where);
            try {
                parse_jump_chain(chain);
            } catch (const util::UsageError& e) {
                fail(where, key, e.what());
            }
            take(result.proxy_jump, chain);
        } else if (key == "userknownhostsfile") {
            if (!known_hosts_file) {
                known_hosts_file = Located{one_argument(line, where), where};
            }
        } else if (key == "stricthostkeychecking") {
            take(result.host_key_checking, parse_host_key_checking(line, where));
        } else if (key == "connecttimeout") {
            if (one_argument(line, where) != "none") {
                take(result.connect_timeout,
                     std::chrono::seconds(parse_number(line, where, 24 * 3600)));
            }
        } else if (key == "serveraliveinterval") {
            take(result.server_alive_interval,
                 std::chrono::seconds(parse_number(line, where, 24 * 3600)));
        } else if (key == "serveralivecountmax") {
            take(result.server_alive_count_max, parse_number(line, where, 1000));
        } else if (const char* instead = instead_of(line); instead != nullptr) {
            if (reported.insert(key).second) {
                result.not_followed.push_back(
                    fmt::format("{}: {} is not followed: {}", where, key, instead));
            }
        }
        // Any other keyword does not change how shoal connects: left alone, as
        // OpenSSH leaves keywords that do not apply.
    }

    template <typename T, typename V> static void take(std::optional<T>& field, V&& value) {
        if (!field) {
            field = std::forward<V>(value);
        }
    }

    void note_match(const Line& at) {
        if (reported.insert("match").second) {
            result.not_followed.push_back(
                fmt::format("{}:{}: Match blocks are not evaluated: shoal leaves out the "
                            "settings that follow, up to the next Host line",
                            at.file, at.number));
        }
    }

    void finish(const ConfigEnvironment& environment) {
        const auto home = environment.home.string();
        if (hostname) {
            result.hostname = expand(
                *hostname, "hostname", "h", [&](char) { return host; }, nullptr);
        }
        const std::string final_host = result.hostname.value_or(host);
        const std::string final_user = result.user.value_or(environment.local_user);
        const auto token = [&](char c) -> std::string {
            switch (c) {
            case 'd':
                return home;
            case 'u':
                return environment.local_user;
            case 'h':
                return final_host;
            default: // 'r'
                return final_user;
            }
        };
        for (const auto& file : identity_files) {
            result.identity_files.push_back(expand(file, "identityfile", "duhr", token, &home));
        }
        if (known_hosts_file) {
            result.known_hosts_file =
                expand(*known_hosts_file, "userknownhostsfile", "duhr", token, &home);
        }
    }
};

SshConfig SshConfig::load_default(const ConfigEnvironment& environment) {
    SshConfig config;
    config.environment_ = environment;
    const auto user_file = environment.home / ".ssh" / "config";
    if (std::filesystem::exists(user_file)) {
        config.roots_.push_back(config.read_file(user_file, environment.home / ".ssh", 0));
    }
    const std::filesystem::path system_file = "/etc/ssh/ssh_config";
    if (std::filesystem::exists(system_file)) {
        config.roots_.push_back(config.read_file(system_file, "/etc/ssh", 0));
    }
    return config;
}

SshConfig SshConfig::load_file(const std::filesystem::path& file,
                               const ConfigEnvironment& environment) {
    SshConfig config;
    config.environment_ = environment;
    config.roots_.push_back(config.read_file(file, environment.home / ".ssh", 0));
    return config;
}

SshConfig SshConfig::parse(std::string_view text, const std::string& name,
                           const ConfigEnvironment& environment) {
    SshConfig config;
    config.environment_ = environment;
    config.roots_.push_back(config.add_file(name, text, environment.home / ".ssh", 0));
    return config;
}

std::size_t SshConfig::read_file(const std::filesystem::path& path,
                                 const std::filesystem::path& include_dir, int depth) {
    return add_file(path, read_whole(path), include_dir, depth);
}

std::size_t SshConfig::add_file(const std::filesystem::path& path, std::string_view text,
                                const std::filesystem::path& include_dir, int depth) {
    File file;
    std::istringstream lines{std::string(text)};
    std::string raw;
    int number = 0;
    while (std::getline(lines, raw)) {
        ++number;
        Line line;
        line.file = path.string();
        line.number = number;
        const std::string where = fmt::format("{}:{}", line.file, number);
        try {
            auto split = split_config_line(raw);
            if (!split) {
                continue;
            }
            line.line = std::move(*split);
        } catch (const util::UsageError& e) {
            throw util::UsageError(fmt::format("{}: {}", where, e.what()));
        }
        const auto& key = line.line.keyword;
        if (key == "host") {
            if (line.line.arguments.empty()) {
                fail(where, key, "no patterns");
            }
        } else if (key == "include") {
            if (line.line.arguments.empty()) {
                fail(where, key, "no files");
            }
            if (depth + 1 > max_include_depth) {
                fail(where, key,
                     fmt::format("more than {} levels of Include (a cycle?)", max_include_depth));
            }
            for (const auto& pattern : line.line.arguments) {
                std::string expanded = pattern;
                if (pattern == "~" || pattern.starts_with("~/")) {
                    expanded = environment_.home.string() + pattern.substr(1);
                } else if (!pattern.starts_with('/')) {
                    expanded = (include_dir / pattern).string();
                }
                for (const auto& included : glob_files(expanded)) {
                    line.included.push_back(read_file(included, include_dir, depth + 1));
                }
            }
        } else if (key != "match") {
            // Checked now, matched or not: a typo fails every run, not only some hosts'.
            Lookup scratch;
            scratch.apply(line);
        }
        file.lines.push_back(std::move(line));
    }
    files_.push_back(std::move(file));
    return files_.size() - 1;
}

void SshConfig::walk(std::size_t file, bool active, bool never_match, Lookup& lookup) const {
    for (const auto& line : files_.at(file).lines) {
        const auto& key = line.line.keyword;
        if (key == "host") {
            active = !never_match && matches_host_line(line.line.arguments, lookup.host);
        } else if (key == "match") {
            if (!never_match) {
                lookup.note_match(line);
            }
            active = false;
        } else if (key == "include") {
            // As OpenSSH: an Include under a Host that does not match can never match.
            for (const auto included : line.included) {
                walk(included, active, never_match || !active, lookup);
            }
        } else if (active) {
            lookup.apply(line);
        }
    }
}

HostConfig SshConfig::lookup(std::string_view host) const {
    Lookup lookup;
    lookup.host = std::string(host);
    for (const auto root : roots_) {
        walk(root, true, false, lookup);
    }
    lookup.finish(environment_);
    return std::move(lookup.result);
}

} // namespace shoal::sshconfig
