#pragma once

#include "swarm/certificate_authority.hpp"
#include "swarm/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::swarm {

struct SwarmOptions {
    // Where this peer accepts TLS connections. Outgoing connections leave
    // from the same address, so peers know each other by one address.
    Endpoint listen;
    std::string torrent; // bencoded, from build_torrent
    // The directory holding the torrent's directory (named like the torrent)
    // and this peer's resume data, "<torrent name>.resume".
    std::filesystem::path save_path;
    CertificateAndKey certificate; // issued to this host for this torrent
    // The files are all present already: serve them without rehashing first.
    bool seed = false;
    // The files are all present, but this peer holds and serves only these
    // pieces and downloads nothing: one slice of a source split among
    // several sessions, each met by different peers, so that no piece
    // leaves the source twice.
    std::optional<std::vector<int>> slice_pieces;
    // Names of the files to download; empty means all of them.
    std::set<std::string> wanted_files;
    std::uint64_t upload_rate_limit = 0; // bytes per second, 0 for none
    // Marks peer traffic DSCP Lower Effort (RFC 8622) so that routers that
    // honour it let other traffic go first. (uTP's LEDBAT would yield by
    // itself, but 2.0.8's uTP can corrupt payload: TCP only.)
    bool low_priority = false;
    std::uint64_t download_rate_limit = 0;
    // How often progress is written to the resume data while downloading.
    std::chrono::milliseconds resume_save_interval{2000};
};

struct FileProgress {
    std::string_view name; // the session's own copy: valid while the session lives
    int index = 0;
    std::uint64_t size = 0;
    std::uint64_t verified_bytes = 0; // in pieces whose hashes matched
    bool wanted = false;
    // libtorrent has written every byte to the file, not merely verified it:
    // a piece passes its hash check while its blocks may still wait in
    // memory, so a file can be verified before it exists on disk.
    bool on_disk = false;

    // Verified and on disk: ready to be read by another program.
    bool complete() const { return verified_bytes == size && on_disk; }
};

struct SwarmStatus {
    std::vector<FileProgress> files;      // by file name
    std::uint64_t payload_downloaded = 0; // by this session, without protocol overhead
    std::uint64_t payload_uploaded = 0;
    int peers = 0;
    bool resumed = false; // progress was taken from resume data

    bool wanted_files_complete() const;
};

// One host's membership in a deployment's private swarm: a libtorrent session
// restricted to TLS over TCP on one address, with no peer discovery at all
// (no DHT, local discovery, trackers, peer exchange or port mapping): peers
// meet only through connect(), as the plan says.
class SwarmSession {
public:
    explicit SwarmSession(const SwarmOptions& options);
    SwarmSession(const SwarmSession&) = delete;
    SwarmSession& operator=(const SwarmSession&) = delete;
    // Saves nothing: a finished download needs no resume data, and a stopping
    // one calls save_resume_data() with the time it can spare.
    ~SwarmSession();

    // Handles what libtorrent reported, waiting up to `max_wait` for the
    // first report. Throws util::Error when the swarm cannot go on (cannot
    // listen, disk error, certificate refused by libtorrent).
    void poll(std::chrono::milliseconds max_wait);
    // Readable once libtorrent has something for poll(), which makes it
    // unreadable again: for a loop that also waits on other descriptors.
    int alerts_fd() const;

    // Listening, files checked and certificate installed. A peer connecting
    // earlier is refused and retried only much later, so a host reports ready
    // before its address is given to anyone.
    bool ready() const;

    // The TLS port actually bound (useful when listen.port is 0); 0 until listening.
    std::uint16_t listen_port() const;

    // Connects to every peer given: the first peers of the session at once,
    // later ones on libtorrent's next tick (within a second).
    void connect(const std::vector<Endpoint>& peers);

    // Puts the peers at `address` (numeric) outside the limit that
    // limit_other_downloads() sets; SwarmOptions' own limits still hold.
    // For connections made from now on: call it before connect().
    void prefer(const std::string& address);
    // Holds what all peers but the preferred ones may send this session
    // together to `bytes_per_second` (never above SwarmOptions'
    // download_rate_limit); 0 lifts the hold.
    void limit_other_downloads(std::uint64_t bytes_per_second);
    // Whether a preferred peer may still send something wanted: true while
    // none is connected with its pieces announced, or one has a wanted piece
    // this session lacks.
    bool preferred_peers_have_more() const;

    // Files as of the last poll(); payload counters and peers as of now.
    SwarmStatus status() const;

    // Refuses every connection from or to `address` (numeric) from now on.
    void block(const std::string& address);

    // Peers banned since the last call, by the address and port of the
    // connection: they sent data that failed its hash check. libtorrent no
    // longer talks to them.
    std::vector<Endpoint> take_banned_peers();

    // Writes the resume data now, waiting up to `max_wait` for libtorrent.
    void save_resume_data(std::chrono::milliseconds max_wait);

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace shoal::swarm
