// Drives shoal_ssh for the ssh_*.sh tests (there is no shoal subcommand using
// SSH yet). Runs one command on one or more hosts and writes a JSON report:
//
//   ssh_client --address A[,B...] [--port P] --user U [--identity F] [--known-hosts K]
//              [--accept-new] [--connect-timeout-ms N] [--io-timeout-ms N]
//              [--parallel N] [--stdin | --echo] [--ssh-program P] --report FILE -- COMMAND
//
// --stdin sends our stdin to the command; --echo sends it in chunks and reads
// each chunk back before the next (for `cat`), as a protocol would. The
// command's stdout goes to our stdout (single session only). --ssh-program
// uses the OpenSSH transport.
#include "io/fd_stream.hpp"
#include "ssh/channel.hpp"
#include "ssh/connector.hpp"
#include "ssh/error.hpp"
#include "ssh/session.hpp"
#include "util/logging.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <thread>
#include <unistd.h>

using namespace shoal;
using json = nlohmann::json;

namespace {

enum class InputMode { none, whole, echo };

struct Arguments {
    std::vector<std::string> addresses;
    ssh::ConnectOptions options;
    int parallel = 1;
    InputMode input = InputMode::none;
    std::string report;
    std::string command;
};

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto comma = text.find(','); comma != std::string::npos; comma = text.find(',', start)) {
        parts.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    parts.push_back(text.substr(start));
    return parts;
}

Arguments parse(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        const auto value = [&] {
            if (i + 1 >= argc) {
                throw util::UsageError(flag + " needs a value");
            }
            return std::string(argv[++i]);
        };
        if (flag == "--") {
            for (++i; i < argc; ++i) {
                args.command += (args.command.empty() ? "" : " ") + std::string(argv[i]);
            }
        } else if (flag == "--address") {
            args.addresses = split(value());
        } else if (flag == "--port") {
            args.options.port = static_cast<std::uint16_t>(std::stoi(value()));
        } else if (flag == "--user") {
            args.options.user = value();
        } else if (flag == "--identity") {
            args.options.identities = {value()};
        } else if (flag == "--known-hosts") {
            args.options.known_hosts = value();
        } else if (flag == "--accept-new") {
            args.options.accept_new_host_keys = true;
        } else if (flag == "--connect-timeout-ms") {
            args.options.connect_timeout = std::chrono::milliseconds(std::stol(value()));
        } else if (flag == "--io-timeout-ms") {
            args.options.io_timeout = std::chrono::milliseconds(std::stol(value()));
        } else if (flag == "--parallel") {
            args.parallel = std::stoi(value());
        } else if (flag == "--stdin") {
            args.input = InputMode::whole;
        } else if (flag == "--echo") {
            args.input = InputMode::echo;
        } else if (flag == "--ssh-program") {
            args.options.ssh_program = value();
        } else if (flag == "--report") {
            args.report = value();
        } else {
            throw util::UsageError("unknown argument " + flag);
        }
    }
    if (args.addresses.empty() || args.command.empty() || args.report.empty()) {
        throw util::UsageError("--address, --report and a command are required");
    }
    return args;
}

void send_input(InputMode mode, ssh::Channel& channel) {
    io::FdSource in(STDIN_FILENO);
    io::FdSink out(STDOUT_FILENO);
    std::vector<char> chunk(256 * 1024);
    while (const std::size_t n = in.read_some(chunk)) {
        const std::span<const char> data(chunk.data(), n);
        channel.input().write(data);
        if (mode == InputMode::echo) {
            channel.input().flush();
            std::vector<char> back(n);
            channel.output().read_exact(back);
            out.write(back);
        }
    }
    channel.send_eof();
}

json run_one(ssh::Connector& connector, ssh::ConnectOptions options, const Arguments& args,
             bool forward_output) {
    const auto start = std::chrono::steady_clock::now();
    json result{{"address", options.address}};
    try {
        const auto session = connector.open(options);
        const auto channel_pointer = session->start(args.command);
        auto& channel = *channel_pointer;
        if (args.input != InputMode::none) {
            send_input(args.input, channel);
        }
        io::FdSink out(STDOUT_FILENO);
        std::string captured;
        std::vector<char> buffer(64 * 1024);
        while (const std::size_t n = channel.output().read_some(buffer)) {
            if (forward_output) {
                out.write(std::span<const char>(buffer.data(), n));
            } else {
                captured.append(buffer.data(), n);
            }
        }
        out.flush();
        result["exit_status"] = channel.exit_status();
        result["stderr"] = channel.error_output();
        result["stdout"] = captured;
    } catch (const util::Error& e) {
        result["error"] = e.what();
        result["kind"] = dynamic_cast<const ssh::HostKeyError*>(&e)          ? "host_key"
                         : dynamic_cast<const ssh::AuthenticationError*>(&e) ? "authentication"
                                                                             : "error";
    }
    result["elapsed_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
    return result;
}

} // namespace

int main(int argc, char** argv) {
    util::setup_logging(util::Verbosity::verbose);
    try {
        const Arguments args = parse(argc, argv);
        ssh::Connector connector;
        std::vector<json> results(static_cast<std::size_t>(args.parallel));
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < results.size(); ++i) {
            ssh::ConnectOptions options = args.options;
            options.address = args.addresses[i % args.addresses.size()];
            threads.emplace_back([&, i, options] {
                results[i] = run_one(connector, options, args, args.parallel == 1);
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        std::ofstream(args.report)
            << json(results).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
        for (const auto& result : results) {
            if (result.contains("error")) {
                spdlog::error("{}", result["error"].get<std::string>());
                return 1;
            }
        }
        return 0;
    } catch (const util::Error& e) {
        spdlog::error("{}", e.what());
        return 2;
    }
}
