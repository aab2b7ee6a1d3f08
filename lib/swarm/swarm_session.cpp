#include "swarm/swarm_session.hpp"

#include "io/wakeup.hpp"
#include "swarm/files.hpp"
#include "swarm/openssl_handles.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/extensions/smart_ban.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/peer_class.hpp>
#include <libtorrent/peer_info.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/read_resume_data.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>
#include <libtorrent/write_resume_data.hpp>
#include <limits>
#include <map>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <optional>
#include <set>
#include <spdlog/spdlog.h>
#include <thread>
#include <utility>

namespace shoal::swarm {
namespace {

using Clock = std::chrono::steady_clock;

// libtorrent installs DH parameters along with the certificate. TLS 1.3 and
// ECDHE never use them, but an empty value makes libtorrent report an error,
// so give it the standard RFC 7919 group: no generation, nothing secret.
std::string dh_parameters_pem() {
    PkeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
    EVP_PKEY* raw_parameters = nullptr;
    if (!context || EVP_PKEY_paramgen_init(context.get()) != 1 ||
        EVP_PKEY_CTX_set_dh_nid(context.get(), NID_ffdhe2048) != 1 ||
        EVP_PKEY_paramgen(context.get(), &raw_parameters) != 1) {
        throw_openssl_error("preparing the ffdhe2048 DH parameters");
    }
    const PkeyPtr parameters(raw_parameters);
    BioPtr bio = make_memory_bio();
    if (PEM_write_bio_Parameters(bio.get(), parameters.get()) != 1) {
        throw_openssl_error("encoding the DH parameters");
    }
    return bio_contents(bio.get());
}

int rate_limit(std::uint64_t bytes_per_second) {
    return static_cast<int>(
        std::min<std::uint64_t>(bytes_per_second, std::numeric_limits<int>::max()));
}

// A peer's numeric address, as connect(), prefer() and block() are given it.
lt::address peer_address(const std::string& address) {
    lt::error_code error;
    const lt::address parsed = lt::make_address(address, error);
    if (error) {
        throw util::UsageError("invalid peer address '" + address + "'");
    }
    return parsed;
}

bool is_unspecified(const std::string& address) {
    lt::error_code error;
    return lt::make_address(address, error).is_unspecified() && !error;
}

lt::settings_pack session_settings(const SwarmOptions& options) {
    lt::settings_pack settings;
    // The trailing "s" makes this a TLS listen socket: every peer of an SSL
    // torrent must reach it there, and there is no plain one.
    settings.set_str(lt::settings_pack::listen_interfaces, options.listen.to_string() + "s");
    // The port is what peers are told: a taken port is an error, not a hint.
    settings.set_int(lt::settings_pack::max_retry_port_bind, 0);
    settings.set_bool(lt::settings_pack::listen_system_port_fallback, false);
    if (!is_unspecified(options.listen.address)) {
        settings.set_str(lt::settings_pack::outgoing_interfaces, options.listen.address);
    }
    // Peers come only from the plan: nothing may discover or announce us.
    settings.set_bool(lt::settings_pack::enable_dht, false);
    settings.set_bool(lt::settings_pack::enable_lsd, false);
    settings.set_bool(lt::settings_pack::enable_upnp, false);
    settings.set_bool(lt::settings_pack::enable_natpmp, false);
    // TCP only: libtorrent 2.0.8's uTP can corrupt payload when a connection
    // closes (fixed in 2.0.11), and connect_peer would pick uTP if allowed.
    settings.set_bool(lt::settings_pack::enable_outgoing_utp, false);
    settings.set_bool(lt::settings_pack::enable_incoming_utp, false);
    // A refused or failed connection (a peer not ready yet, a restarting
    // agent) is retried soon and never given up on: every peer is ours.
    settings.set_int(lt::settings_pack::min_reconnect_time, 1);
    settings.set_int(lt::settings_pack::max_failcount, 1000);
    // Nor closed for having nothing to trade at the moment (a slice that
    // served all it holds, two complete hosts): it would be redialled each
    // second, and a dial in flight holds up the session's end.
    settings.set_bool(lt::settings_pack::close_redundant_connections, false);
    // Every peer holds a certificate; several hosts may share an address (NAT).
    settings.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
    // The plan, not tit-for-tat, decides who serves whom: unchoke them all.
    settings.set_int(lt::settings_pack::unchoke_slots_limit, -1);
    settings.set_int(lt::settings_pack::hashing_threads,
                     static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    if (!options.seed && !options.slice_pieces) {
        // One disk thread runs a piece's write before its hash check. With
        // several, libtorrent 2.0.8 can let a failed piece's clear overtake
        // its pending write, which then marks the piece finished and never
        // checked: the download would never complete (docs/reliability.md).
        settings.set_int(lt::settings_pack::aio_threads, 1);
        // A host's requests to a peer queue behind the pieces it sends that
        // peer on the same connection. Relaying, those crawl where the peer's
        // link is full, and libtorrent's default send buffer (half a second of
        // the upload rate, up to 500 KiB) held the requests back for seconds
        // while this host's own link idled. 50 ms of it, at least two blocks.
        settings.set_int(lt::settings_pack::send_buffer_watermark_factor, 5);
        settings.set_int(lt::settings_pack::send_buffer_low_watermark, 32 * 1024);
        // libtorrent does its once-a-second work (dialling the peers given
        // after the first, redialling refused ones) on the first tick a
        // second after the last, and refills rate-limited quotas (a fed
        // host's hold) per tick: its 500 ms tick made that every 1-1.5 s.
        settings.set_int(lt::settings_pack::tick_interval, 100);
    }
    settings.set_int(lt::settings_pack::upload_rate_limit, rate_limit(options.upload_rate_limit));
    settings.set_int(lt::settings_pack::download_rate_limit,
                     rate_limit(options.download_rate_limit));
    settings.set_str(lt::settings_pack::user_agent, "shoal");
    // libtorrent's value for Lower Effort (its documentation of peer_dscp).
    constexpr int lower_effort = 0x04;
    settings.set_int(lt::settings_pack::peer_dscp, options.low_priority ? lower_effort : 0);
    settings.set_int(lt::settings_pack::alert_mask,
                     static_cast<int>(static_cast<std::uint32_t>(
                         lt::alert_category::error | lt::alert_category::status |
                         lt::alert_category::storage | lt::alert_category::file_progress |
                         lt::alert_category::connect | lt::alert_category::peer)));
    return settings;
}

} // namespace

struct SwarmSession::State {
    std::shared_ptr<const lt::torrent_info> torrent;
    std::map<std::string, int> file_indices;
    std::vector<bool> wanted; // by file index
    std::filesystem::path resume_path;
    CertificateAndKey certificate;
    std::chrono::milliseconds resume_save_interval;
    // Before the session: libtorrent's thread may notify until the session is gone.
    io::Wakeup alerts_ready;
    std::unique_ptr<lt::session> session;
    lt::torrent_handle handle;
    std::uint16_t listen_port = 0;
    bool certificate_installed = false;
    bool checked = false;
    bool connected_once = false; // connect() has been called with peers
    bool resumed = false;
    // Seeds and slices had every byte they serve on disk before they
    // started: nothing to resume, no writes to wait for.
    bool downloads = true;
    std::vector<int> slice_pieces; // a slice's pieces, claimed before libtorrent checked them
    bool resume_save_in_flight = false;
    Clock::time_point next_resume_save;
    std::vector<std::int64_t> file_progress; // verified bytes, by file index
    std::vector<bool> on_disk;               // by file index: libtorrent has finished writing it
    std::vector<int> flushing;               // verified files the flush in flight covers
    bool flush_in_flight = false;
    std::vector<Endpoint> banned;
    std::uint64_t upload_rate_limit = 0; // SwarmOptions': every peer class keeps them
    std::uint64_t download_rate_limit = 0;
    std::optional<lt::peer_class_t> preferred_class;
    std::set<lt::address> preferred;

    void handle_alert(lt::alert* alert);
    // A slice whose files changed since staging comes out of libtorrent's
    // check with pieces missing and no error: it would serve nothing while
    // every host waits. Throws naming the files.
    void verify_slice() const;
    void ban(const lt::tcp::endpoint& liar);
    // Returns false if the address was blocked already.
    bool block(const lt::address& address);
    void start_resume_save();
    void finish_resume_save(const lt::add_torrent_params& params);
    void track_writes();
    lt::add_torrent_params read_resume_data();
};

lt::add_torrent_params SwarmSession::State::read_resume_data() {
    std::error_code exists_error;
    if (!std::filesystem::exists(resume_path, exists_error)) {
        return {};
    }
    const std::string bytes = read_file(resume_path);
    lt::error_code error;
    lt::add_torrent_params params = lt::read_resume_data(
        lt::span<const char>(bytes.data(), static_cast<std::ptrdiff_t>(bytes.size())), error);
    if (error || params.info_hashes != torrent->info_hashes()) {
        spdlog::warn("ignoring resume data {}: {}", resume_path.string(),
                     error ? error.message() : "it belongs to another torrent");
        return {};
    }
    resumed = true;
    return params;
}

SwarmSession::SwarmSession(const SwarmOptions& options) : state_(std::make_unique<State>()) {
    State& state = *state_;
    lt::error_code error;
    state.torrent = std::make_shared<lt::torrent_info>(
        options.torrent.data(), static_cast<int>(options.torrent.size()), error);
    if (error) {
        throw util::Error("invalid torrent: " + error.message());
    }
    if ((options.seed || options.slice_pieces) && !options.wanted_files.empty()) {
        throw util::Error("a seed or a slice downloads nothing: it cannot want files");
    }
    if (options.seed && options.slice_pieces) {
        throw util::Error("a seed has every piece: it cannot be a slice");
    }
    state.file_indices = file_indices(options.torrent);
    const auto file_count = static_cast<std::size_t>(state.torrent->num_files());
    state.wanted.assign(file_count, false);
    state.on_disk.assign(file_count, false);
    for (const auto& [name, index] : state.file_indices) {
        if (options.wanted_files.empty() || options.wanted_files.contains(name)) {
            state.wanted[static_cast<std::size_t>(index)] = true;
        }
    }
    for (const std::string& name : options.wanted_files) {
        if (!state.file_indices.contains(name)) {
            throw util::Error("file '" + name + "' is not in torrent " + state.torrent->name());
        }
    }
    state.resume_path = options.save_path / (state.torrent->name() + ".resume");
    state.downloads = !options.seed && !options.slice_pieces;
    state.certificate = options.certificate;
    state.resume_save_interval = options.resume_save_interval;
    state.upload_rate_limit = options.upload_rate_limit;
    state.download_rate_limit = options.download_rate_limit;
    state.next_resume_save = Clock::now() + options.resume_save_interval;

    lt::session_params params(session_settings(options));
    // No ut_metadata or ut_pex: every peer has the torrent, and peer exchange
    // would bypass the plan. smart_ban is the torrent's (below).
    params.extensions.clear();
    if (!state.downloads) {
        // Serving only: its reads come from the page cache, so disk calls in
        // the network thread cost nothing, where the default disk I/O starts
        // a dozen threads per session; the deployer runs one session per slice.
        params.disk_io_constructor = lt::posix_disk_io_constructor;
    }
    state.session = std::make_unique<lt::session>(std::move(params));
    state.session->set_alert_notify(
        [&alerts_ready = state.alerts_ready] { alerts_ready.notify(); });
    if (options.upload_rate_limit != 0 || options.download_rate_limit != 0) {
        // Peers on LAN and loopback addresses are in the "local" class, which
        // the global limits above do not cover.
        lt::peer_class_info local = state.session->get_peer_class(lt::session::local_peer_class_id);
        local.upload_limit = rate_limit(options.upload_rate_limit);
        local.download_limit = rate_limit(options.download_rate_limit);
        state.session->set_peer_class(lt::session::local_peer_class_id, local);
    }

    lt::add_torrent_params torrent_params =
        state.downloads ? state.read_resume_data() : lt::add_torrent_params();
    torrent_params.ti = std::make_shared<lt::torrent_info>(*state.torrent);
    torrent_params.save_path = std::filesystem::absolute(options.save_path).string();
    torrent_params.flags &= ~(lt::torrent_flags::auto_managed | lt::torrent_flags::paused);
    // Peers remembered from an earlier run are not the plan's: it names them again.
    torrent_params.peers.clear();
    torrent_params.banned_peers.clear();
    // A piece that fails its SHA-1 may hold blocks of several peers: this
    // finds (and bans) the one whose blocks were wrong once the piece passes.
    torrent_params.extensions.emplace_back(&lt::create_smart_ban_plugin);
    if (options.seed) {
        torrent_params.flags |= lt::torrent_flags::seed_mode;
    }
    if (options.slice_pieces) {
        // Claimed the way resume data would: libtorrent then announces and
        // serves exactly these pieces, and wants nothing (see below).
        torrent_params.have_pieces.resize(state.torrent->num_pieces());
        for (const int piece : *options.slice_pieces) {
            if (piece < 0 || piece >= state.torrent->num_pieces()) {
                throw util::Error(
                    fmt::format("piece {} is not in torrent {}", piece, state.torrent->name()));
            }
            torrent_params.have_pieces.set_bit(lt::piece_index_t(piece));
        }
        state.wanted.assign(state.wanted.size(), false);
        state.slice_pieces = *options.slice_pieces;
    }
    // One priority per file, pad files included (libtorrent never fetches
    // those): a dont_download anywhere would also silently cancel seed mode.
    torrent_params.file_priorities.assign(static_cast<std::size_t>(state.torrent->num_files()),
                                          lt::default_priority);
    for (const auto& [name, index] : state.file_indices) {
        if (!state.wanted[static_cast<std::size_t>(index)]) {
            torrent_params.file_priorities[static_cast<std::size_t>(index)] = lt::dont_download;
        }
    }
    state.handle = state.session->add_torrent(std::move(torrent_params), error);
    if (error) {
        throw util::Error("adding torrent " + state.torrent->name() + ": " + error.message());
    }
}

SwarmSession::~SwarmSession() = default;

void SwarmSession::State::handle_alert(lt::alert* alert) {
    if (const auto* listening = lt::alert_cast<lt::listen_succeeded_alert>(alert)) {
        if (listening->socket_type == lt::socket_type_t::tcp_ssl) {
            listen_port = static_cast<std::uint16_t>(listening->port);
        }
    } else if (const auto* failed = lt::alert_cast<lt::listen_failed_alert>(alert)) {
        throw util::Error("cannot listen: " + failed->message());
    } else if (lt::alert_cast<lt::torrent_need_cert_alert>(alert) != nullptr) {
        handle.set_ssl_certificate_buffer(certificate.certificate_pem, certificate.private_key_pem,
                                          dh_parameters_pem());
        certificate_installed = true;
    } else if (lt::alert_cast<lt::torrent_checked_alert>(alert) != nullptr) {
        verify_slice();
        checked = true;
    } else if (lt::alert_cast<lt::cache_flushed_alert>(alert) != nullptr) {
        for (const int index : flushing) {
            on_disk[static_cast<std::size_t>(index)] = true;
        }
        flushing.clear();
        flush_in_flight = false;
    } else if (const auto* saved = lt::alert_cast<lt::save_resume_data_alert>(alert)) {
        finish_resume_save(saved->params);
    } else if (const auto* not_saved = lt::alert_cast<lt::save_resume_data_failed_alert>(alert)) {
        resume_save_in_flight = false;
        if (not_saved->error != lt::errors::resume_data_not_modified) {
            spdlog::warn("{}", not_saved->message());
        }
    } else if (const auto* liar = lt::alert_cast<lt::peer_ban_alert>(alert)) {
        ban(liar->endpoint);
    } else if (lt::alert_cast<lt::torrent_error_alert>(alert) != nullptr ||
               lt::alert_cast<lt::file_error_alert>(alert) != nullptr) {
        throw util::Error("swarm for torrent " + torrent->name() + " failed: " + alert->message());
    } else {
        if (lt::alert_cast<lt::file_completed_alert>(alert) != nullptr) {
            // Record a finished file at once: a restart must not fetch it again.
            next_resume_save = Clock::now();
        }
        spdlog::debug("libtorrent: {}", alert->message());
    }
}

void SwarmSession::State::verify_slice() const {
    const lt::torrent_status status = handle.status(lt::torrent_handle::query_pieces);
    const lt::file_storage& files = torrent->files();
    std::set<std::string> damaged;
    for (const int piece : slice_pieces) {
        if (status.pieces.get_bit(lt::piece_index_t(piece))) {
            continue;
        }
        for (const auto& slice : files.map_block(lt::piece_index_t(piece), 0,
                                                 files.piece_size(lt::piece_index_t(piece)))) {
            if (!files.pad_file_at(slice.file_index)) {
                damaged.insert(files.file_path(slice.file_index, status.save_path));
            }
        }
    }
    if (!damaged.empty()) {
        throw util::Error(fmt::format("{} {} missing or changed since it was staged and hashed: {}",
                                      damaged.size(), damaged.size() == 1 ? "file is" : "files are",
                                      fmt::join(damaged, ", ")));
    }
}

// libtorrent bans the connection's peer entry only: the liar would dial in
// again from another port, and its data would poison the pieces it touches
// each time. Block its address instead, once.
void SwarmSession::State::ban(const lt::tcp::endpoint& liar) {
    if (block(liar.address())) {
        banned.push_back({liar.address().to_string(), liar.port()});
        spdlog::warn("banned peer {}: it sent data that failed its hash check",
                     banned.back().to_string());
    }
}

bool SwarmSession::State::block(const lt::address& address) {
    lt::ip_filter filter = session->get_ip_filter();
    if ((filter.access(address) & lt::ip_filter::blocked) != 0) {
        return false;
    }
    filter.add_rule(address, address, lt::ip_filter::blocked);
    session->set_ip_filter(filter);
    return true;
}

void SwarmSession::State::start_resume_save() {
    handle.save_resume_data(lt::torrent_handle::only_if_modified);
    resume_save_in_flight = true;
    next_resume_save = Clock::now() + resume_save_interval;
}

void SwarmSession::State::finish_resume_save(const lt::add_torrent_params& params) {
    resume_save_in_flight = false;
    const std::vector<char> bytes = lt::write_resume_data_buf(params);
    write_file_atomically(resume_path, std::string_view(bytes.data(), bytes.size()));
}

// Files whose pieces all passed their hash checks are on disk only once
// libtorrent has written what it still holds: ask it to flush, and count them
// as written when it says it did.
void SwarmSession::State::track_writes() {
    file_progress = handle.file_progress(lt::torrent_handle::piece_granularity);
    if (!checked || flush_in_flight) {
        return;
    }
    const lt::file_storage& files = torrent->files();
    for (const auto& [name, index] : file_indices) {
        const auto i = static_cast<std::size_t>(index);
        if (!on_disk[i] && i < file_progress.size() &&
            file_progress[i] == files.file_size(lt::file_index_t(index))) {
            flushing.push_back(index);
        }
    }
    if (!flushing.empty()) {
        handle.flush_cache();
        flush_in_flight = true;
    }
}

void SwarmSession::poll(std::chrono::milliseconds max_wait) {
    State& state = *state_;
    state.alerts_ready.drain();
    state.session->wait_for_alert(max_wait);
    std::vector<lt::alert*> alerts;
    state.session->pop_alerts(&alerts);
    for (lt::alert* alert : alerts) {
        state.handle_alert(alert);
    }
    if (!state.downloads) {
        return;
    }
    state.track_writes();
    if (!state.resume_save_in_flight && Clock::now() >= state.next_resume_save) {
        state.start_resume_save();
    }
}

int SwarmSession::alerts_fd() const {
    return state_->alerts_ready.fd();
}

bool SwarmSession::ready() const {
    return state_->listen_port != 0 && state_->checked && state_->certificate_installed;
}

std::uint16_t SwarmSession::listen_port() const {
    return state_->listen_port;
}

void SwarmSession::connect(const std::vector<Endpoint>& peers) {
    State& state = *state_;
    for (const Endpoint& peer : peers) {
        state.handle.connect_peer(lt::tcp::endpoint(peer_address(peer.address), peer.port));
    }
    // libtorrent dials the peers it is given on its one-second tick, and at
    // once only when a torrent resumes: a pause and resume before the first
    // connection reaches the first peers up to a second earlier.
    if (!peers.empty() && !std::exchange(state.connected_once, true) &&
        state.handle.status(lt::status_flags_t{}).num_peers == 0) {
        state.handle.pause();
        state.handle.resume();
    }
}

void SwarmSession::prefer(const std::string& address) {
    State& state = *state_;
    const lt::address parsed = peer_address(address);
    if (!state.preferred_class) {
        state.preferred_class = state.session->create_peer_class("preferred");
        lt::peer_class_info info = state.session->get_peer_class(*state.preferred_class);
        info.upload_limit = rate_limit(state.upload_rate_limit);
        info.download_limit = rate_limit(state.download_rate_limit);
        state.session->set_peer_class(*state.preferred_class, info);
    }
    // The rule replaces the address's classes (global or local): it is in
    // the preferred one alone.
    lt::ip_filter classes = state.session->get_peer_class_filter();
    classes.add_rule(parsed, parsed, 1U << static_cast<std::uint32_t>(*state.preferred_class));
    state.session->set_peer_class_filter(classes);
    state.preferred.insert(parsed);
}

void SwarmSession::limit_other_downloads(std::uint64_t bytes_per_second) {
    State& state = *state_;
    std::uint64_t limit = state.download_rate_limit;
    if (bytes_per_second != 0) {
        limit = limit == 0 ? bytes_per_second : std::min(limit, bytes_per_second);
    }
    for (const lt::peer_class_t id :
         {lt::session::global_peer_class_id, lt::session::local_peer_class_id}) {
        lt::peer_class_info info = state.session->get_peer_class(id);
        info.download_limit = rate_limit(limit);
        state.session->set_peer_class(id, info);
    }
}

bool SwarmSession::preferred_peers_have_more() const {
    const State& state = *state_;
    std::vector<lt::peer_info> peers;
    state.handle.get_peer_info(peers);
    bool announced = false;
    for (const lt::peer_info& peer : peers) {
        if (!state.preferred.contains(peer.ip.address()) || peer.pieces.none_set()) {
            continue;
        }
        announced = true;
        if (peer.flags & lt::peer_info::interesting) {
            return true;
        }
    }
    return !announced;
}

SwarmStatus SwarmSession::status() const {
    const State& state = *state_;
    const lt::torrent_status torrent_status = state.handle.status();
    const std::vector<std::int64_t> served =
        state.downloads ? std::vector<std::int64_t>()
                        : state.handle.file_progress(lt::torrent_handle::piece_granularity);
    const std::vector<std::int64_t>& progress = state.downloads ? state.file_progress : served;
    SwarmStatus result;
    result.payload_downloaded = static_cast<std::uint64_t>(torrent_status.total_payload_download);
    result.payload_uploaded = static_cast<std::uint64_t>(torrent_status.total_payload_upload);
    result.peers = torrent_status.num_peers;
    result.resumed = state.resumed;
    const lt::file_storage& files = state.torrent->files();
    result.files.reserve(state.file_indices.size());
    for (const auto& [name, index] : state.file_indices) {
        const auto file = static_cast<std::size_t>(index);
        result.files.push_back(FileProgress{
            name, index, static_cast<std::uint64_t>(files.file_size(lt::file_index_t(index))),
            file < progress.size() ? static_cast<std::uint64_t>(progress[file]) : 0,
            state.wanted[file], !state.downloads || state.on_disk[file]});
    }
    return result;
}

void SwarmSession::block(const std::string& address) {
    if (state_->block(peer_address(address))) {
        spdlog::warn("blocked {}: another host caught it sending data that failed its hash check",
                     address);
    }
}

std::vector<Endpoint> SwarmSession::take_banned_peers() {
    return std::exchange(state_->banned, {});
}

void SwarmSession::save_resume_data(std::chrono::milliseconds max_wait) {
    State& state = *state_;
    if (!state.downloads) {
        return;
    }
    const Clock::time_point deadline = Clock::now() + max_wait;
    while (state.resume_save_in_flight && Clock::now() < deadline) {
        poll(std::chrono::milliseconds(100));
    }
    state.start_resume_save();
    while (state.resume_save_in_flight && Clock::now() < deadline) {
        poll(std::chrono::milliseconds(100));
    }
}

bool SwarmStatus::wanted_files_complete() const {
    return std::all_of(files.begin(), files.end(),
                       [](const FileProgress& file) { return !file.wanted || file.complete(); });
}

} // namespace shoal::swarm
