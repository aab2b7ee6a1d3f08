#pragma once

#include "io/stream.hpp"
#include "nix/path_info.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::nix {

// A serve-protocol command failed: the remote nix-store refused it (its
// stderr is quoted), hung up, or answered something malformed.
class ServeError : public util::Error {
public:
    using util::Error::Error;
};

// Client of `nix-store --serve [--write]` (Nix 2.8's serve protocol, as
// nix-copy-closure speaks it) over any pair of byte streams: a pipe to a
// local process or an SSH channel alike. The server reports errors only by
// writing to its stderr and exiting, so the owner of the transport provides
// a way to fetch that text once the server has hung up.
//
// Any failed command leaves the connection unusable: later calls throw.
class ServeConnection {
public:
    // Returns what the remote nix-store wrote to stderr. Called only after the
    // remote hung up; it may wait for the remote to exit.
    using RemoteStderr = std::function<std::string()>;

    // Writes the NAR of one path into the given sink.
    using NarWriter = std::function<void(io::Sink&)>;

    ServeConnection(io::Source& from, io::Sink& to, RemoteStderr remote_stderr);
    ServeConnection(const ServeConnection&) = delete;
    ServeConnection& operator=(const ServeConnection&) = delete;
    ~ServeConnection();

    // Exchanges magic numbers and versions; must come first.
    void handshake();
    std::uint64_t remote_version() const { return remote_version_; }

    std::set<std::string> query_valid_paths(const std::set<std::string>& paths, bool lock,
                                            bool substitute);

    // Infos of those of `paths` the store has, in the server's order.
    std::vector<PathInfo> query_path_infos(const std::set<std::string>& paths);

    std::set<std::string> query_closure(const std::set<std::string>& paths, bool include_outputs);

    // Streams the NAR of `path` into `nar`; returns its size in bytes.
    std::uint64_t dump_store_path(const std::string& path, io::Sink& nar);

    // Imports one path: sends `info` and exactly info.nar_size NAR bytes, which
    // the server checks against info.nar_hash before registering the path.
    void add_to_store_nar(const PathInfo& info, const NarWriter& write_nar);

    // The same in two halves, so that a caller can send the next import before
    // it reads the reply to the one before: the server then starts on it as
    // soon as it has registered a path. Replies come in the order sent; no
    // other command may run while one is due.
    void send_add_to_store_nar(const PathInfo& info, io::Source& nar);
    void send_add_to_store_nar(const PathInfo& info, const NarWriter& write_nar);
    void take_add_to_store_nar_reply();
    std::size_t imports_awaiting_reply() const { return awaiting_reply_.size(); }

private:
    // Whether a command may run while imports still await their replies.
    enum class WhileRepliesDue { refuse, allow };
    template <class Body>
    auto run(std::string_view command, WhileRepliesDue while_replies_due, Body&& body);
    template <class Body> auto run(std::string_view command, Body&& body) {
        return run(command, WhileRepliesDue::refuse, std::forward<Body>(body));
    }
    std::set<std::string> read_path_set(std::string_view what, std::size_t max_count);
    PathInfo read_path_info(std::string path);

    std::unique_ptr<io::Source> from_;
    std::unique_ptr<io::Sink> to_;
    RemoteStderr remote_stderr_;
    std::uint64_t remote_version_ = 0;
    // The command that did not complete; the stream is out of step after it.
    std::string failed_command_;
    std::deque<std::string> awaiting_reply_; // paths sent to AddToStoreNar, oldest first
};

} // namespace shoal::nix
