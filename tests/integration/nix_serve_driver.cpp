// Drives shoal_nix's serve client against real nix-store processes for the
// integration tests (no shoal subcommand copies between local stores):
//
//   nix_serve_driver dump PATH                  writes PATH's NAR to stdout
//   nix_serve_driver copy --to DIR [--flip-byte-at N] PATH...
//       copies the closure of PATHs from the local store into the chroot
//       store DIR, dependencies first. With --flip-byte-at, the NAR of the
//       last path (in dependency order) is altered at byte N on its way, so the
//       destination must reject it.
#include "io/fd_stream.hpp"
#include "nix/closure.hpp"
#include "nix/copy_paths.hpp"
#include "nix/local_store.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

#include <csignal>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <set>
#include <spdlog/spdlog.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace shoal;

// Passes bytes on, inverting the one at `offset`.
class FlipByteSink : public io::Sink {
public:
    FlipByteSink(io::Sink& inner, std::uint64_t offset) : inner_(inner), offset_(offset) {}
    using Sink::write;
    void write(std::span<const char> data) override {
        std::string copy(data.begin(), data.end());
        if (offset_ >= position_ && offset_ < position_ + copy.size()) {
            auto& byte = copy[static_cast<std::size_t>(offset_ - position_)];
            byte = static_cast<char>(~byte);
        }
        position_ += copy.size();
        inner_.write(std::span<const char>(copy));
    }

private:
    io::Sink& inner_;
    std::uint64_t offset_;
    std::uint64_t position_ = 0;
};

int dump(const std::string& path) {
    nix::LocalStore store;
    io::FdSink out(STDOUT_FILENO);
    store.connection().dump_store_path(path, out);
    out.flush();
    return 0;
}

int copy(const std::string& destination, std::optional<std::uint64_t> flip_offset,
         const std::set<std::string>& roots) {
    nix::LocalStore source;
    nix::LocalStore target({"--store", destination});
    auto infos = nix::topological_order(
        source.connection().query_path_infos(source.connection().query_closure(roots, false)));
    if (!flip_offset) {
        const auto bytes = nix::copy_paths(source.connection(), target.connection(), infos);
        std::cout << fmt::format("copied {} paths, {} bytes\n", infos.size(), bytes);
        return 0;
    }
    const auto last = infos.back();
    infos.pop_back();
    nix::copy_paths(source.connection(), target.connection(), infos);
    target.connection().add_to_store_nar(last, [&](io::Sink& nar) {
        FlipByteSink flipped(nar, *flip_offset);
        source.connection().dump_store_path(last.path, flipped);
    });
    std::cout << fmt::format("copied {} with byte {} flipped\n", last.path, *flip_offset);
    return 0;
}

int run(const std::vector<std::string>& args) {
    if (args.size() == 2 && args[0] == "dump") {
        return dump(args[1]);
    }
    if (args.size() >= 4 && args[0] == "copy" && args[1] == "--to") {
        std::optional<std::uint64_t> flip_offset;
        std::size_t first_path = 3;
        if (args[3] == "--flip-byte-at" && args.size() >= 6) {
            flip_offset = std::stoull(args[4]);
            first_path = 5;
        }
        return copy(args[2], flip_offset, {args.begin() + first_path, args.end()});
    }
    throw util::UsageError(
        "usage: nix_serve_driver dump PATH | copy --to DIR [--flip-byte-at N] PATH...");
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    shoal::util::setup_logging(shoal::util::Verbosity::normal);
    try {
        return run({argv + 1, argv + argc});
    } catch (const shoal::util::UsageError& e) {
        spdlog::error("{}", e.what());
        return 2;
    } catch (const shoal::util::Error& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
}
