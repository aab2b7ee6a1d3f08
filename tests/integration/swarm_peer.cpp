// A swarm peer in its own process, for the swarm integration tests:
//   swarm_peer ca      --out-dir DIR --name NAME
//   swarm_peer issue   --ca-dir DIR --host HOST --torrent-name NAME --out-dir DIR
//   swarm_peer torrent --staging DIR --ca-dir DIR --out FILE
//   swarm_peer seed    --torrent FILE --save-path DIR --listen ADDR:PORT --cert-dir DIR --host HOST
//   swarm_peer fetch   (as seed) [--want NAME]... [--peer ADDR:PORT]... [--linger SECONDS]
//   swarm_peer plain   --torrent FILE --save-path DIR --listen ADDR:PORT --peer ADDR:PORT
//                      --duration SECONDS
// seed and fetch also take --timeout SECONDS, --upload-limit BYTES_PER_SECOND,
// --ready-file FILE (written once peers may connect), --progress-file FILE
// (status, rewritten every 200 ms) and --result FILE (status when the wanted
// files are complete, and again at exit). fetch exits 0 once its files are
// complete and verified and the linger time is over, 3 on timeout. Every
// peer's status has payload_downloaded and verified (bytes whose hashes matched).
#include "io/fd.hpp"
#include "io/termination_signals.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/files.hpp"
#include "swarm/swarm_session.hpp"
#include "swarm/torrent_builder.hpp"
#include "swarm_plain_peer.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

#include <csignal>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace {

using namespace shoal;
using Clock = std::chrono::steady_clock;
constexpr int timed_out = 3;

class Arguments {
public:
    Arguments(int argc, char** argv) {
        if (argc < 2) {
            throw util::UsageError("usage: swarm_peer MODE --option value...");
        }
        mode_ = argv[1];
        for (int i = 2; i < argc; i += 2) {
            const std::string name = argv[i];
            if (name.rfind("--", 0) != 0 || i + 1 >= argc) {
                throw util::UsageError("expected '--option value', got '" + name + "'");
            }
            values_.emplace(name.substr(2), argv[i + 1]);
        }
    }

    const std::string& mode() const { return mode_; }

    std::string get(const std::string& name) const {
        const auto found = values_.find(name);
        if (found == values_.end()) {
            throw util::UsageError("missing --" + name);
        }
        return found->second;
    }

    std::string get_or(const std::string& name, const std::string& fallback) const {
        return values_.contains(name) ? get(name) : fallback;
    }

    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> result;
        const auto [first, last] = values_.equal_range(name);
        for (auto it = first; it != last; ++it) {
            result.push_back(it->second);
        }
        return result;
    }

private:
    std::string mode_;
    std::multimap<std::string, std::string> values_;
};

nlohmann::json to_json(const swarm::SwarmStatus& status) {
    nlohmann::json files = nlohmann::json::array();
    std::uint64_t verified = 0;
    for (const swarm::FileProgress& file : status.files) {
        verified += file.verified_bytes;
        files.push_back({{"name", std::string(file.name)},
                         {"index", file.index},
                         {"size", file.size},
                         {"verified", file.verified_bytes},
                         {"wanted", file.wanted},
                         {"complete", file.complete()}});
    }
    return {{"resumed", status.resumed},
            {"payload_downloaded", status.payload_downloaded},
            {"payload_uploaded", status.payload_uploaded},
            {"verified", verified},
            {"peers", status.peers},
            {"complete", status.wanted_files_complete()},
            {"files", files}};
}

void write_json(const std::string& path, const nlohmann::json& json) {
    if (!path.empty()) {
        swarm::write_file_atomically(path, json.dump() + "\n");
    }
}

int make_ca(const Arguments& args) {
    const std::filesystem::path directory = args.get("out-dir");
    const auto ca = swarm::CertificateAuthority::create(args.get("name"), std::chrono::hours(48));
    swarm::write_file_atomically(directory / "ca.crt", ca.certificate_pem());
    swarm::write_file_atomically(directory / "ca.key", ca.private_key_pem());
    return 0;
}

int issue(const Arguments& args) {
    const std::filesystem::path ca_directory = args.get("ca-dir");
    const auto ca = swarm::CertificateAuthority::load(
        {swarm::read_file(ca_directory / "ca.crt"), swarm::read_file(ca_directory / "ca.key")});
    const std::string host = args.get("host");
    const swarm::CertificateAndKey issued = ca.issue(host, args.get("torrent-name"));
    const std::filesystem::path directory = args.get("out-dir");
    swarm::write_file_atomically(directory / (host + ".crt"), issued.certificate_pem);
    swarm::write_file_atomically(directory / (host + ".key"), issued.private_key_pem);
    return 0;
}

int make_torrent(const Arguments& args) {
    const std::filesystem::path ca_directory = args.get("ca-dir");
    const std::filesystem::path staging = args.get("staging");
    std::uint64_t total_size = 0;
    for (const auto& entry : std::filesystem::directory_iterator(staging)) {
        total_size += entry.is_regular_file() ? entry.file_size() : 0;
    }
    const swarm::BuiltTorrent torrent = swarm::build_torrent(
        staging, swarm::read_file(ca_directory / "ca.crt"), swarm::choose_piece_size(total_size));
    swarm::write_file_atomically(args.get("out"), torrent.bytes);
    const nlohmann::json summary = {{"name", torrent.name},
                                    {"piece_size", torrent.piece_size},
                                    {"total_size", torrent.total_size},
                                    {"files", torrent.file_indices}};
    std::cout << summary.dump() << "\n";
    return 0;
}

int run_peer(const Arguments& args, io::TerminationSignals& signals, bool seed) {
    swarm::SwarmOptions options;
    options.listen = swarm::parse_endpoint(args.get("listen"));
    options.torrent = swarm::read_file(args.get("torrent"));
    options.save_path = args.get("save-path");
    const std::filesystem::path cert_directory = args.get("cert-dir");
    const std::string host = args.get("host");
    options.certificate = {swarm::read_file(cert_directory / (host + ".crt")),
                           swarm::read_file(cert_directory / (host + ".key"))};
    options.seed = seed;
    for (const std::string& name : args.all("want")) {
        options.wanted_files.insert(name);
    }
    options.upload_rate_limit = std::stoull(args.get_or("upload-limit", "0"));
    options.resume_save_interval = std::chrono::milliseconds(500);
    const auto timeout = std::chrono::seconds(std::stoi(args.get_or("timeout", "120")));
    // A seed serves until it is stopped; a fetcher may stay to serve others.
    const auto linger = std::chrono::seconds(std::stoi(args.get_or("linger", seed ? "-1" : "0")));
    const std::string result_file = args.get_or("result", "");
    const std::string progress_file = args.get_or("progress-file", "");

    const Clock::time_point deadline = Clock::now() + timeout;
    swarm::SwarmSession session(options);
    while (!session.ready()) {
        if (Clock::now() >= deadline || (signals.received() != nullptr)) {
            spdlog::error("{} never became ready", host);
            return timed_out;
        }
        session.poll(std::chrono::milliseconds(100));
    }
    write_json(args.get_or("ready-file", ""), {{"port", session.listen_port()}});
    spdlog::info("{} ready on port {}", host, session.listen_port());
    std::vector<swarm::Endpoint> peers;
    for (const std::string& peer : args.all("peer")) {
        peers.push_back(swarm::parse_endpoint(peer));
    }
    session.connect(peers);

    std::optional<Clock::time_point> completed_at;
    while (!(signals.received() != nullptr)) {
        session.poll(std::chrono::milliseconds(200));
        const swarm::SwarmStatus status = session.status();
        write_json(progress_file, to_json(status));
        if (!completed_at && status.wanted_files_complete()) {
            completed_at = Clock::now();
            write_json(result_file, to_json(status));
            spdlog::info("{} has all its files", host);
        }
        if (completed_at && linger.count() >= 0 && Clock::now() >= *completed_at + linger) {
            break;
        }
        if (Clock::now() >= deadline) {
            break;
        }
    }
    const swarm::SwarmStatus status = session.status();
    write_json(result_file, to_json(status));
    std::cout << to_json(status).dump() << "\n";
    if (!status.wanted_files_complete()) {
        spdlog::error("{} stopped before its files were complete", host);
        return timed_out;
    }
    return 0;
}

int run_plain(const Arguments& args) {
    std::vector<swarm::Endpoint> peers;
    for (const std::string& peer : args.all("peer")) {
        peers.push_back(swarm::parse_endpoint(peer));
    }
    const swarm::test::PlainPeerResult result =
        swarm::test::run_plain_peer(swarm::read_file(args.get("torrent")), args.get("save-path"),
                                    swarm::parse_endpoint(args.get("listen")), peers,
                                    std::chrono::seconds(std::stoi(args.get("duration"))));
    const nlohmann::json json = {{"payload_downloaded", result.payload_downloaded},
                                 {"verified", result.verified_bytes}};
    write_json(args.get_or("result", ""), json);
    std::cout << json.dump() << "\n";
    return 0;
}

int run(const Arguments& args, io::TerminationSignals& signals) {
    const std::string& mode = args.mode();
    if (mode == "ca") {
        return make_ca(args);
    }
    if (mode == "issue") {
        return issue(args);
    }
    if (mode == "torrent") {
        return make_torrent(args);
    }
    if (mode == "seed" || mode == "fetch") {
        return run_peer(args, signals, mode == "seed");
    }
    if (mode == "plain") {
        return run_plain(args);
    }
    throw util::UsageError("unknown mode '" + mode + "'");
}

} // namespace

int main(int argc, char** argv) {
    util::setup_logging(std::getenv("SWARM_PEER_VERBOSE") != nullptr ? util::Verbosity::verbose
                                                                     : util::Verbosity::normal);
    try {
        io::TerminationSignals signals;
        return run(Arguments(argc, argv), signals);
    } catch (const util::UsageError& error) {
        spdlog::error("{}", error.what());
        return 2;
    } catch (const std::exception& error) {
        spdlog::error("{}", error.what());
        return 1;
    }
}
