#include "nix/serve_connection.hpp"

#include "nix/nar_reader.hpp"
#include "nix/sha256.hpp"
#include "nix/store_path.hpp"
#include "nix/wire.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <type_traits>

namespace shoal::nix {
namespace {

constexpr std::uint64_t client_magic = 0x390c9deb;
constexpr std::uint64_t server_magic = 0x5452eecb;
// 2.5: QueryPathInfos carries narHash, ca and sigs (2.4); AddToStoreNar exists (2.5).
constexpr std::uint64_t client_version = 0x205;
constexpr std::uint64_t required_minor = client_version & 0xff;

enum Command : std::uint64_t {
    query_valid_paths_command = 1,
    query_path_infos_command = 2,
    dump_store_path_command = 3,
    query_closure_command = 7,
    add_to_store_nar_command = 9,
};

// Bounds on what a reply may announce, checked before anything is allocated
// for it: a hostile or broken server must not make us reserve gigabytes.
// /nix/store/<32-character hash>-<name>: Nix refuses names longer than 211.
constexpr std::size_t max_path_length = store_dir.size() + 1 + 32 + 1 + 211;
// A closure or a path's references: a NixOS system has a few thousand
// paths, all of nixpkgs' outputs a few hundred thousand.
constexpr std::size_t max_paths = std::size_t{1} << 20;
constexpr std::size_t max_hash_length = 128; // "sha256:" and 52 characters in practice
// "fixed:r:sha256:<hash>" or "text:sha256:<hash>".
constexpr std::size_t max_ca_length = 1024;
// A path has a signature per key that signed it, "<key name>:<88 base64
// characters>": one or two in practice.
constexpr std::size_t max_sigs = 256;
constexpr std::size_t max_sig_length = 1024;

// The remote end of a connection hung up or its transport failed: only the
// remote's stderr can say why. `origin` tells connections apart when one
// streams a NAR straight into another.
class RemoteHangup : public util::Error {
public:
    RemoteHangup(const ServeConnection* origin, const std::string& what)
        : util::Error(what), origin_(origin) {}
    const ServeConnection* origin() const { return origin_; }

private:
    const ServeConnection* origin_;
};

// The connection's own streams. The server never closes its output while we
// wait for an answer, so end of stream is a hangup too.
class RemoteSource : public io::Source {
public:
    RemoteSource(const ServeConnection* owner, io::Source& inner) : owner_(owner), inner_(inner) {}
    std::size_t read_some(std::span<char> buffer) override {
        std::size_t n = 0;
        try {
            n = inner_.read_some(buffer);
        } catch (const util::Error& e) {
            throw RemoteHangup(owner_, e.what());
        }
        if (n == 0 && !buffer.empty()) {
            throw RemoteHangup(owner_, "end of stream");
        }
        return n;
    }

private:
    const ServeConnection* owner_;
    io::Source& inner_;
};

class RemoteSink : public io::Sink {
public:
    RemoteSink(const ServeConnection* owner, io::Sink& inner) : owner_(owner), inner_(inner) {}
    using Sink::write;
    void write(std::span<const char> data) override {
        try {
            inner_.write(data);
        } catch (const util::Error& e) {
            throw RemoteHangup(owner_, e.what());
        }
    }
    void flush() override {
        try {
            inner_.flush();
        } catch (const util::Error& e) {
            throw RemoteHangup(owner_, e.what());
        }
    }

private:
    const ServeConnection* owner_;
    io::Sink& inner_;
};

// Passes at most `limit` bytes on: a NAR must be exactly as long as declared.
class LimitedSink : public io::Sink {
public:
    LimitedSink(io::Sink& inner, const PathInfo& info) : inner_(inner), info_(info) {}
    using Sink::write;
    void write(std::span<const char> data) override {
        if (data.size() > info_.nar_size - written_) {
            throw ServeError(fmt::format("AddToStoreNar: the NAR of {} is longer than its declared "
                                         "size of {} bytes",
                                         info_.path, info_.nar_size));
        }
        inner_.write(data);
        written_ += data.size();
    }
    std::uint64_t written() const { return written_; }

private:
    io::Sink& inner_;
    const PathInfo& info_;
    std::uint64_t written_ = 0;
};

void check_store_path(std::string_view path, std::string_view what) {
    if (auto problem = store_path_problem(path)) {
        throw WireError(fmt::format("{}: {}", what, *problem));
    }
}

} // namespace

ServeConnection::ServeConnection(io::Source& from, io::Sink& to, RemoteStderr remote_stderr)
    : from_(std::make_unique<RemoteSource>(this, from)),
      to_(std::make_unique<RemoteSink>(this, to)), remote_stderr_(std::move(remote_stderr)) {}

ServeConnection::~ServeConnection() = default;

// Runs one command. The stream stays in step only if the command completes,
// so a failure marks the connection unusable; transport failures become
// ServeErrors quoting the remote's stderr.
template <class Body>
auto ServeConnection::run(std::string_view command, WhileRepliesDue while_replies_due,
                          Body&& body) {
    if (!failed_command_.empty()) {
        throw ServeError(
            fmt::format("{}: connection unusable after the failed {}", command, failed_command_));
    }
    if (!awaiting_reply_.empty() && while_replies_due == WhileRepliesDue::refuse) {
        throw ServeError(fmt::format("{}: {} imports still await their replies", command,
                                     awaiting_reply_.size()));
    }
    failed_command_ = command;
    try {
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            failed_command_.clear();
        } else {
            auto result = body();
            failed_command_.clear();
            return result;
        }
    } catch (const RemoteHangup& e) {
        if (e.origin() != this) {
            throw;
        }
        auto reason = remote_stderr_();
        if (reason.empty()) {
            reason = fmt::format("connection closed ({})", e.what());
        }
        throw ServeError(fmt::format("{}: remote nix-store failed: {}", command, reason));
    } catch (const WireError& e) {
        throw ServeError(fmt::format("{}: malformed reply from nix-store: {}", command, e.what()));
    }
}

void ServeConnection::handshake() {
    run("handshake", [&] {
        write_u64(*to_, client_magic);
        write_u64(*to_, client_version);
        to_->flush();
        const auto magic = read_u64(*from_, "server magic");
        if (magic != server_magic) {
            throw WireError(fmt::format("expected magic {:#x}, got {:#x}: is the remote program "
                                        "'nix-store --serve'?",
                                        server_magic, magic));
        }
        remote_version_ = read_u64(*from_, "server version");
        const bool supported =
            remote_version_ >> 8 == 2 && (remote_version_ & 0xff) >= required_minor;
        if (!supported) {
            throw WireError(fmt::format("unsupported serve protocol version {:#x} (need {:#x} or a "
                                        "later 0x2xx)",
                                        remote_version_, client_version));
        }
        spdlog::debug("nix-store --serve speaks protocol {:#x}", remote_version_);
    });
}

std::set<std::string> ServeConnection::query_valid_paths(const std::set<std::string>& paths,
                                                         bool lock, bool substitute) {
    return run("QueryValidPaths", [&] {
        write_u64(*to_, query_valid_paths_command);
        write_u64(*to_, lock ? 1 : 0);
        write_u64(*to_, substitute ? 1 : 0);
        write_strings(*to_, paths);
        to_->flush();
        // The valid ones among those asked about: never more.
        return read_path_set("valid paths", paths.size());
    });
}

std::vector<PathInfo> ServeConnection::query_path_infos(const std::set<std::string>& paths) {
    return run("QueryPathInfos", [&] {
        write_u64(*to_, query_path_infos_command);
        write_strings(*to_, paths);
        to_->flush();
        std::vector<PathInfo> infos;
        for (;;) {
            auto path = read_string(*from_, max_path_length, "path of path info");
            if (path.empty()) {
                return infos;
            }
            if (!paths.contains(path)) {
                throw WireError(fmt::format("info for '{}', which was not asked for", path));
            }
            if (infos.size() == paths.size()) {
                throw WireError("more path infos than paths asked for");
            }
            infos.push_back(read_path_info(std::move(path)));
        }
    });
}

std::set<std::string> ServeConnection::query_closure(const std::set<std::string>& paths,
                                                     bool include_outputs) {
    return run("QueryClosure", [&] {
        write_u64(*to_, query_closure_command);
        write_u64(*to_, include_outputs ? 1 : 0);
        write_strings(*to_, paths);
        to_->flush();
        return read_path_set("closure paths", max_paths);
    });
}

std::uint64_t ServeConnection::dump_store_path(const std::string& path, io::Sink& nar) {
    return run("DumpStorePath", [&] {
        write_u64(*to_, dump_store_path_command);
        write_string(*to_, path);
        to_->flush();
        try {
            return NarReader(*from_, nar).copy();
        } catch (const NarError& e) {
            throw ServeError(fmt::format("DumpStorePath of {}: {}", path, e.what()));
        }
    });
}

void ServeConnection::add_to_store_nar(const PathInfo& info, const NarWriter& write_nar) {
    send_add_to_store_nar(info, write_nar);
    take_add_to_store_nar_reply();
}

void ServeConnection::send_add_to_store_nar(const PathInfo& info, io::Source& nar) {
    send_add_to_store_nar(info, [&](io::Sink& sink) { io::copy_exact(nar, sink, info.nar_size); });
}

void ServeConnection::send_add_to_store_nar(const PathInfo& info, const NarWriter& write_nar) {
    run("AddToStoreNar", WhileRepliesDue::allow, [&] {
        write_u64(*to_, add_to_store_nar_command);
        write_string(*to_, info.path);
        write_string(*to_, info.deriver);
        write_string(*to_, info.nar_hash);
        write_strings(*to_, info.references);
        write_u64(*to_, 0); // registration time: now
        write_u64(*to_, info.nar_size);
        write_u64(*to_, 0); // not "ultimate": built elsewhere
        write_strings(*to_, info.sigs);
        write_string(*to_, info.ca);
        LimitedSink sink(*to_, info);
        write_nar(sink);
        if (sink.written() != info.nar_size) {
            throw ServeError(fmt::format("AddToStoreNar: the NAR of {} has {} bytes, not the {} "
                                         "declared",
                                         info.path, sink.written(), info.nar_size));
        }
        to_->flush();
    });
    awaiting_reply_.push_back(info.path);
}

void ServeConnection::take_add_to_store_nar_reply() {
    if (awaiting_reply_.empty()) {
        throw ServeError("AddToStoreNar: no import awaits its reply");
    }
    run("AddToStoreNar", WhileRepliesDue::allow, [&] {
        const auto reply = read_u64(*from_, "AddToStoreNar result");
        if (reply != 1) {
            throw WireError(fmt::format("expected result 1 after importing {}, got {}",
                                        awaiting_reply_.front(), reply));
        }
    });
    awaiting_reply_.pop_front();
}

std::set<std::string> ServeConnection::read_path_set(std::string_view what, std::size_t max_count) {
    const auto list = read_strings(*from_, max_count, max_path_length, what);
    for (const auto& path : list) {
        check_store_path(path, what);
    }
    return {list.begin(), list.end()};
}

PathInfo ServeConnection::read_path_info(std::string path) {
    PathInfo info;
    info.path = std::move(path);
    check_store_path(info.path, "path info");
    const auto context = [&](std::string_view field) {
        return fmt::format("{} of {}", field, info.path);
    };
    info.deriver = read_string(*from_, max_path_length, context("deriver"));
    if (!info.deriver.empty()) {
        check_store_path(info.deriver, context("deriver"));
    }
    info.references = read_strings(*from_, max_paths, max_path_length, context("references"));
    for (const auto& reference : info.references) {
        check_store_path(reference, context("reference"));
    }
    info.download_size = read_u64(*from_, context("download size"));
    info.nar_size = read_u64(*from_, context("NAR size"));
    info.nar_hash = read_string(*from_, max_hash_length, context("NAR hash"));
    if (!is_nix_sha256(info.nar_hash)) {
        throw WireError(
            fmt::format("{} is '{}', not sha256:<nixbase32>", context("NAR hash"), info.nar_hash));
    }
    info.ca = read_string(*from_, max_ca_length, context("content address"));
    info.sigs = read_strings(*from_, max_sigs, max_sig_length, context("signatures"));
    return info;
}

} // namespace shoal::nix
