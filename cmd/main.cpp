// shoal: copy Nix closures to fleets of machines. This file only dispatches
// to a subcommand and turns errors into exit codes; the work is in lib/.
#include "command.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

#include <boost/program_options/errors.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <new>
#include <spdlog/spdlog.h>

namespace shoal::cmd {
// One declaration per subcommand, defined in <name>_command.cpp.
int run_version(const std::vector<std::string>& args);
int run_inventory(const std::vector<std::string>& args);
int run_closure(const std::vector<std::string>& args);
int run_push(const std::vector<std::string>& args);
int run_agent(const std::vector<std::string>& args);
int run_rollback(const std::vector<std::string>& args);
int run_plan(const std::vector<std::string>& args);
} // namespace shoal::cmd

namespace {

constexpr shoal::cmd::Command commands[] = {
    {"version", "print shoal's version", shoal::cmd::run_version},
    {"inventory", "check an inventory and list its resolved hosts", shoal::cmd::run_inventory},
    {"closure", "list a store path's closure with NAR sizes and hashes", shoal::cmd::run_closure},
    {"plan", "show who feeds whom in which wave, and how long it takes", shoal::cmd::run_plan},
    {"push", "copy a closure to the selected hosts (and set a profile, activate)",
     shoal::cmd::run_push},
    {"rollback", "take the selected hosts' profile one generation back", shoal::cmd::run_rollback},
    {"agent", "receive a push on a target (started by shoal push over SSH)", shoal::cmd::run_agent},
};

void print_usage(std::ostream& out) {
    out << "usage: shoal <command> [options]   (shoal <command> --help for details)\n\ncommands:\n";
    for (const auto& command : commands) {
        out << "  " << command.name << std::string(14 - command.name.size(), ' ') << command.summary
            << "\n";
    }
}

// For errors shoal did not word itself (a full disk, a failed allocation, a
// bug): they end the command with a message and exit code 1, never in
// std::terminate. A filesystem_error's text names the call and its paths.
int report_unexpected_error(std::string_view command) {
    try {
        throw;
    } catch (const std::bad_alloc&) {
        spdlog::error("shoal {}: out of memory", command);
    } catch (const std::exception& e) {
        spdlog::error("shoal {}: {}", command, e.what());
    } catch (...) {
        spdlog::error("shoal {}: an error of unknown type", command);
    }
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    // A peer that hangs up must surface as an error on write, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    // Subcommands refine this from -v/-q; errors before that look the same.
    shoal::util::setup_logging(shoal::util::Verbosity::normal);
    if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
        print_usage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    const std::string_view name = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& command : commands) {
        if (command.name != name) {
            continue;
        }
        try {
            return command.run(args);
        } catch (const shoal::util::UsageError& e) {
            spdlog::error("{}", e.what());
            return 2;
        } catch (const boost::program_options::error& e) {
            spdlog::error("{} (see: shoal {} --help)", e.what(), name);
            return 2;
        } catch (const shoal::util::Error& e) {
            spdlog::error("{}", e.what());
            return 1;
        } catch (...) {
            return report_unexpected_error(name);
        }
    }
    spdlog::error("unknown command '{}'", name);
    print_usage(std::cerr);
    return 2;
}
