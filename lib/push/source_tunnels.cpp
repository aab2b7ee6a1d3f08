#include "push/source_tunnels.hpp"

#include "io/fibers.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace shoal::push {

std::vector<swarm::Endpoint> through_tunnels(const std::vector<swarm::Endpoint>& peers,
                                             const std::vector<swarm::Endpoint>& sources,
                                             const std::vector<swarm::Endpoint>& tunnels) {
    std::vector<swarm::Endpoint> reachable;
    for (const auto& peer : peers) {
        const auto source = std::find(sources.begin(), sources.end(), peer);
        if (source == sources.end()) {
            reachable.push_back(peer);
        } else if (const auto k = static_cast<std::size_t>(source - sources.begin());
                   k < tunnels.size()) {
            reachable.push_back(tunnels[k]);
        }
    }
    return reachable;
}

SourceTunnels::SourceTunnels(ssh::Connector& connector, const std::vector<Receiver>& receivers,
                             const std::vector<std::size_t>& fed,
                             const std::vector<swarm::Endpoint>& sources,
                             const fleet::RemoteOptions& remote, std::size_t jobs)
    : sources_(sources), tunnels_(receivers.size()), forwarders_(receivers.size()) {
    io::run_on_fibers(fed.size(), jobs, io::network_fiber_threads(), [&](std::size_t f) {
        const auto i = fed[f];
        const auto& host = *receivers.at(i).host;
        try {
            auto options = fleet::connect_options(host, remote);
            options.sudo = false; // it runs no command
            auto forwarder = connector.forwarder(options);
            std::vector<swarm::Endpoint> tunnels;
            for (const auto& source : sources_) {
                tunnels.push_back(
                    {"127.0.0.1", forwarder->forward_remote(source.address, source.port,
                                                            options.connect_timeout)});
            }
            spdlog::debug("{}: reaches the deployer's slices through {} tunnel(s)", host.name,
                          tunnels.size());
            tunnels_[i] = std::move(tunnels);
            forwarders_[i] = std::move(forwarder);
        } catch (const std::exception& e) {
            spdlog::warn("{}: cannot tunnel the deployer's slices to it: {}", host.name, e.what());
        }
    });
}

std::vector<swarm::Endpoint>
SourceTunnels::reachable(std::size_t receiver, const std::vector<swarm::Endpoint>& peers) const {
    return through_tunnels(peers, sources_, tunnels_.at(receiver));
}

} // namespace shoal::push
