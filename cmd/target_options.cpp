#include "target_options.hpp"

#include "inventory/inventory.hpp"
#include "inventory/selection.hpp"
#include "selection_options.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::cmd {
namespace {

std::chrono::milliseconds positive_seconds(const po::variables_map& values, const char* name) {
    const double seconds = values[name].as<double>();
    if (!(seconds > 0) || seconds > 24 * 3600) {
        throw util::UsageError(
            fmt::format("--{} {}: expected seconds between 0 and 86400", name, seconds));
    }
    return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

} // namespace

po::options_description target_options() {
    po::options_description options("Targets");
    options.add_options()("inventory,i", po::value<std::string>()->value_name("FILE"),
                          "the inventory file (YAML)")(
        "ssh-config,F", po::value<std::string>()->value_name("FILE"),
        "the OpenSSH client configuration for the hosts, instead of the inventory's "
        "`ssh_config:` or ~/.ssh/config and /etc/ssh/ssh_config");
    options.add(selection_options());
    return options;
}

std::vector<inventory::Host> selected_hosts(const po::variables_map& values) {
    if (values.count("inventory") == 0U) {
        throw util::UsageError("no inventory: give one with -i FILE");
    }
    inventory::SshConfigChoice ssh_config;
    if (values.count("ssh-config") != 0U) {
        ssh_config.file = values["ssh-config"].as<std::string>();
    }
    return inventory::select_hosts(
        inventory::load_inventory(values["inventory"].as<std::string>(), ssh_config),
        selection_from(values));
}

po::options_description remote_options() {
    po::options_description options("SSH to targets");
    options.add_options()("connect-timeout",
                          po::value<double>()->default_value(10)->value_name("S"),
                          "give up on a host that does not answer within S seconds")(
        "io-timeout", po::value<double>()->default_value(60)->value_name("S"),
        "give up on a host that stays silent for S seconds mid-transfer")(
        "sudo", "run shoal's commands on the hosts (nix-store, the agent, profiles, activation) as "
                "root through `sudo -n`, as the inventory's `become: sudo`")(
        "ssh-program", po::value<std::string>()->value_name("PROGRAM"),
        "reach every host through this OpenSSH client (e.g. ssh), as the inventory's `transport: "
        "openssh`: for RSA keys, certificates and every ssh_config setting; a process per host "
        "and command")(
        "accept-new-host-keys",
        "record the key of a host known_hosts does not list yet (a changed key is always refused)")(
        "remote-nix-store", po::value<std::string>()->default_value("nix-store")->value_name("CMD"),
        "the nix-store command on the targets");
    return options;
}

fleet::RemoteOptions remote_options_from(const po::variables_map& values) {
    fleet::RemoteOptions options;
    options.connect_timeout = positive_seconds(values, "connect-timeout");
    options.io_timeout = positive_seconds(values, "io-timeout");
    options.connect_timeout_given = !values["connect-timeout"].defaulted();
    options.io_timeout_given = !values["io-timeout"].defaulted();
    options.accept_new_host_keys = values.count("accept-new-host-keys") != 0U;
    options.sudo = values.count("sudo") != 0U;
    if (values.count("ssh-program") != 0U) {
        options.ssh_program = values["ssh-program"].as<std::string>();
        if (options.ssh_program.empty()) {
            throw util::UsageError("--ssh-program must not be empty");
        }
    }
    options.remote_nix_store = values["remote-nix-store"].as<std::string>();
    if (options.remote_nix_store.empty()) {
        throw util::UsageError("--remote-nix-store must not be empty");
    }
    return options;
}

} // namespace shoal::cmd
