#pragma once

#include "agent/protocol_error.hpp"
#include "nix/path_info.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/endpoint.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The messages of the agent protocol (docs/agent-protocol.md): JSON Lines
// between the controller (`shoal push`) and `shoal agent` on a target. The
// encode() functions return one line without its newline; the parse_*()
// functions check every field and throw ProtocolError naming the one at
// fault, so a well-typed message is also a valid one.
namespace shoal::agent {

inline constexpr std::uint64_t protocol_version = 3;

// The longest line the agent reads from the controller, and the most a
// compressed assignment may unpack to. The assignment is the longest: about
// 1 KiB per path (its path info and its file in the torrent) before
// compression, so 64 MiB holds some 50,000 paths, ten times a large NixOS
// system. A runaway line is refused at that size.
inline constexpr std::size_t max_controller_line = 64 * 1024 * 1024;

// One store path a host is to receive: its path info (download_size is not
// carried) and the name of its NAR's file in the torrent.
struct AssignedPath {
    nix::PathInfo info;
    std::string file;
};

// Controller -> agent, first line: everything one host needs to join the swarm.
struct Assignment {
    std::string host;
    std::string torrent; // the bencoded .torrent (base64 on the wire)
    swarm::CertificateAndKey certificate;
    swarm::Endpoint listen;
    std::filesystem::path staging;   // absolute
    std::vector<AssignedPath> paths; // dependencies first
    // Files fetched only to pass on: the plan routes other hosts' paths
    // through this one (a site's or rack's entry). Seeded, never imported.
    std::vector<std::string> relay_files;
    std::uint64_t upload_limit = 0; // bytes per second, 0 for none
    std::uint64_t download_limit = 0;
    // A host the deployer feeds: while the deployer's slice still has pieces
    // it lacks, every other peer together may send it at most this many bytes
    // per second, so that the slice (bytes no other host has yet) keeps its
    // share of the host's link. 0: no such limit.
    std::uint64_t peer_limit_while_fed = 0;
    std::chrono::seconds linger{0};
    bool keep_cache = false;
    bool low_priority = false; // mark peer traffic as background (DSCP Lower Effort)
};

// Controller -> agent, later lines.
struct Connect {
    std::vector<swarm::Endpoint> peers;
    bool deployer = false; // the peers are the deployer's slices
};
struct Finish {};
// Refuse every connection from or to this address from now on: another
// host's agent caught it sending data that failed its hash check.
struct Ban {
    std::string address; // numeric
};
using Command = std::variant<Connect, Finish, Ban>;

// Agent -> controller.
struct Ready {
    std::uint16_t port = 0;
};
struct Progress {
    std::uint64_t downloaded = 0; // verified bytes of the wanted files, resumed ones included
    std::uint64_t wanted = 0;
    std::uint64_t received = 0; // payload bytes from peers by this run, verified or not
    std::uint64_t uploaded = 0;
    std::uint64_t peers = 0;
};
struct PathImported {
    std::string path;
};
struct Complete {};
struct Failure {
    std::string message;
};
// The agent's swarm refuses a peer from now on: it sent data that failed its
// hash check. `peer` is the address and port of that connection.
struct PeerBanned {
    swarm::Endpoint peer;
};
using Event = std::variant<Ready, Progress, PathImported, Complete, Failure, PeerBanned>;

// An assignment goes out compressed (an "assignment-zstd" line): the deployer
// sends one to every host through its own uplink, and the paths' names,
// references and the torrent's base64 shrink about 3x on a closure of 1,000
// paths. parse_assignment() takes either form.
std::string encode(const Assignment& assignment);
std::string encode(const Command& command);
std::string encode(const Event& event);

Assignment parse_assignment(std::string_view line);
Command parse_command(std::string_view line);
Event parse_event(std::string_view line);

} // namespace shoal::agent
