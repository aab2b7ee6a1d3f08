// A lying `shoal agent`, for the push-liar test: it takes a real assignment
// (so it holds a valid certificate of the push), claims every piece of the
// torrent over files of random bytes, and serves them to whoever asks. To
// the controller it looks like a host that never gains a byte; it never
// imports anything. Speaks the agent protocol on stdin/stdout
// (docs/agent-protocol.md) until `finish` or the end of its input.
#include "agent/event_writer.hpp"
#include "agent/line_reader.hpp"
#include "agent/messages.hpp"
#include "swarm/swarm_session.hpp"
#include "util/logging.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <libtorrent/torrent_info.hpp>
#include <numeric>
#include <random>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace {

using namespace shoal;

// Writes every file of the torrent under `save_path` with random bytes, and
// returns every piece index: all claimed, none true.
std::vector<int> forge_files(const std::string& torrent, const std::filesystem::path& save_path) {
    const lt::torrent_info info(
        lt::span<const char>(torrent.data(), static_cast<std::ptrdiff_t>(torrent.size())),
        lt::from_span);
    const lt::file_storage& files = info.files();
    std::mt19937_64 random(std::random_device{}());
    for (const lt::file_index_t index : files.file_range()) {
        if (files.pad_file_at(index)) {
            continue;
        }
        const std::filesystem::path file = save_path / files.file_path(index);
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        for (std::int64_t left = files.file_size(index); left > 0; left -= 8) {
            const std::uint64_t word = random();
            out.write(reinterpret_cast<const char*>(&word), std::min<std::int64_t>(left, 8));
        }
    }
    std::vector<int> pieces(static_cast<std::size_t>(info.num_pieces()));
    std::iota(pieces.begin(), pieces.end(), 0);
    return pieces;
}

int lie(agent::LineReader& input, agent::EventWriter& events) {
    std::optional<std::string> line;
    while (!(line = input.next_line())) {
        if (input.at_end()) {
            return 1;
        }
        input.wait(std::chrono::milliseconds(200));
    }
    const agent::Assignment assignment = agent::parse_assignment(*line);
    swarm::SwarmOptions options;
    options.listen = assignment.listen;
    options.torrent = assignment.torrent;
    options.save_path = assignment.staging;
    options.certificate = assignment.certificate;
    options.slice_pieces = forge_files(assignment.torrent, assignment.staging);
    std::uint64_t wanted = 0;
    for (const auto& path : assignment.paths) {
        wanted += path.info.nar_size;
    }
    swarm::SwarmSession session(options);
    bool ready = false;
    for (;;) {
        session.poll(std::chrono::milliseconds(200));
        if (!ready && session.ready()) {
            ready = true;
            events.write(agent::Ready{session.listen_port()});
        }
        while ((line = input.next_line())) {
            if (line->empty()) {
                continue;
            }
            const agent::Command command = agent::parse_command(*line);
            if (std::holds_alternative<agent::Finish>(command)) {
                return 0;
            }
            if (const auto* connect = std::get_if<agent::Connect>(&command)) {
                session.connect(connect->peers);
            }
        }
        if (input.at_end()) {
            return 1;
        }
        const swarm::SwarmStatus status = session.status();
        events.write(agent::Progress{0, wanted, status.payload_downloaded, status.payload_uploaded,
                                     static_cast<std::uint64_t>(status.peers)});
    }
}

} // namespace

int main() {
    util::setup_logging(util::Verbosity::normal);
    agent::EventWriter events = agent::EventWriter::take_stdout();
    agent::LineReader input(STDIN_FILENO, std::size_t{64} << 20);
    try {
        return lie(input, events);
    } catch (const std::exception& e) {
        spdlog::error("liar: {}", e.what());
        return 1;
    }
}
