#include "swarm_plain_peer.hpp"

#include "util/error.hpp"

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>
#include <spdlog/spdlog.h>

namespace shoal::swarm::test {

PlainPeerResult run_plain_peer(const std::string& torrent, const std::filesystem::path& save_path,
                               const Endpoint& listen, const std::vector<Endpoint>& peers,
                               std::chrono::seconds duration) {
    lt::settings_pack settings;
    settings.set_str(lt::settings_pack::listen_interfaces, listen.to_string());
    settings.set_str(lt::settings_pack::outgoing_interfaces, listen.address);
    settings.set_bool(lt::settings_pack::enable_dht, false);
    settings.set_bool(lt::settings_pack::enable_lsd, false);
    settings.set_bool(lt::settings_pack::enable_upnp, false);
    settings.set_bool(lt::settings_pack::enable_natpmp, false);
    settings.set_bool(lt::settings_pack::enable_outgoing_utp, false);
    settings.set_int(lt::settings_pack::min_reconnect_time, 1);
    settings.set_int(lt::settings_pack::alert_mask,
                     static_cast<int>(static_cast<std::uint32_t>(lt::alert_category::error |
                                                                 lt::alert_category::connect |
                                                                 lt::alert_category::peer)));
    lt::session session(settings);

    lt::add_torrent_params params;
    lt::error_code error;
    params.ti =
        std::make_shared<lt::torrent_info>(torrent.data(), static_cast<int>(torrent.size()), error);
    if (error) {
        throw util::Error("invalid torrent: " + error.message());
    }
    params.save_path = save_path.string();
    // Never answers torrent_need_cert_alert: this client has no certificate.
    lt::torrent_handle handle = session.add_torrent(std::move(params));

    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
        for (const Endpoint& peer : peers) {
            handle.connect_peer(lt::tcp::endpoint(lt::make_address(peer.address), peer.port));
        }
        session.wait_for_alert(std::chrono::seconds(1));
        std::vector<lt::alert*> alerts;
        session.pop_alerts(&alerts);
        for (const lt::alert* alert : alerts) {
            spdlog::debug("plain peer: {}", alert->message());
        }
    }
    const lt::torrent_status status = handle.status();
    return PlainPeerResult{static_cast<std::uint64_t>(status.total_payload_download),
                           static_cast<std::uint64_t>(status.total_wanted_done)};
}

} // namespace shoal::swarm::test
