// Records a real `nix-store --serve --write` answering a serve_script.hpp
// script, as a seed for serve_replies_fuzz: writes the script line, then
// every byte the server sent. Used by tests/fuzz/generate-seeds.
//
//   capture_serve_replies SCRIPT > seed
#include "io/child_process.hpp"
#include "serve_script.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

using namespace shoal;

// Passes reads through and keeps a copy of every byte.
class RecordingSource : public io::Source {
public:
    RecordingSource(io::Source& inner, std::string& record) : inner_(inner), record_(record) {}
    std::size_t read_some(std::span<char> buffer) override {
        const std::size_t n = inner_.read_some(buffer);
        record_.append(buffer.data(), n);
        return n;
    }

private:
    io::Source& inner_;
    std::string& record_;
};

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    if (argc != 2) {
        std::cerr << "usage: capture_serve_replies SCRIPT > seed\n";
        return 2;
    }
    const std::string script = argv[1];
    try {
        io::ChildProcess server({"nix-store", "--serve", "--write"});
        std::string replies;
        RecordingSource recorded(server.output(), replies);
        nix::ServeConnection connection(recorded, server.input(),
                                        [&] { return server.error_output(); });
        connection.handshake();
        for (const char command : script) {
            fuzz::run_serve_command(connection, command);
        }
        std::cout << script << '\n' << replies << std::flush;
    } catch (const util::Error& e) {
        std::cerr << "capture_serve_replies: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
