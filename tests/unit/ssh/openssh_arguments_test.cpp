#include "ssh/openssh_arguments.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using shoal::ssh::ConnectOptions;
using shoal::ssh::openssh_command_arguments;
using shoal::ssh::openssh_master_arguments;

namespace {

ConnectOptions host() {
    ConnectOptions options;
    options.ssh_program = "ssh";
    options.address = "10.0.0.5";
    options.port = 2222;
    options.user = "deploy";
    options.identities = {"/keys/id_rsa"};
    options.identities_only = true;
    options.known_hosts = "/fleet/known hosts";
    options.connect_timeout = std::chrono::milliseconds(2500);
    options.io_timeout = std::chrono::seconds(60);
    return options;
}

// The value of `-o NAME=...`, or "" when it is not there.
std::string option(const std::vector<std::string>& args, const std::string& name) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "-o" && args[i + 1].starts_with(name + "=")) {
            return args[i + 1].substr(name.size() + 1);
        }
    }
    return "";
}

bool has(const std::vector<std::string>& args, const std::vector<std::string>& run) {
    return std::search(args.begin(), args.end(), run.begin(), run.end()) != args.end();
}

} // namespace

TEST_CASE("the control master logs in with every setting shoal resolved") {
    const auto args = openssh_master_arguments(host(), "/tmp/shoal-ssh.x/master");
    CHECK(args.front() == "ssh");
    CHECK(has(args, {"-M", "-N", "-n", "-S", "/tmp/shoal-ssh.x/master"}));
    CHECK(has(args, {"-p", "2222", "-l", "deploy"}));
    CHECK(has(args, {"-i", "/keys/id_rsa"}));
    CHECK(option(args, "BatchMode") == "yes");
    CHECK(option(args, "IdentitiesOnly") == "yes");
    CHECK(option(args, "UserKnownHostsFile") == "\"/fleet/known hosts\"");
    CHECK(option(args, "StrictHostKeyChecking") == "yes");
    CHECK(option(args, "ConnectTimeout") == "3"); // rounded up
    // Three unanswered keepalives within the IO timeout end the connection.
    CHECK(option(args, "ServerAliveInterval") == "20");
    CHECK(option(args, "ServerAliveCountMax") == "3");
    CHECK(option(args, "ControlPersist") == "no");
    CHECK(option(args, "ProxyCommand").empty());
    CHECK(option(args, "Compression").empty()); // the user's ssh_config decides
    CHECK(has(args, {"--", "10.0.0.5"}));
    CHECK(args.back() == "10.0.0.5");
}

TEST_CASE("a compressed connection asks ssh for compression") {
    auto options = host();
    options.compress = true;
    CHECK(option(openssh_master_arguments(options, "/c"), "Compression") == "yes");
}

TEST_CASE("ssh matches its own configuration against the name the inventory wrote") {
    auto options = host();
    options.config_name = "web-1";
    options.config_file = "/etc/shoal/ssh_config";
    options.accept_new_host_keys = true;
    const auto args = openssh_master_arguments(options, "/c");
    CHECK(args.back() == "web-1");
    CHECK(option(args, "HostName") == "10.0.0.5");
    CHECK(has(args, {"-F", "/etc/shoal/ssh_config"}));
    CHECK(option(args, "StrictHostKeyChecking") == "accept-new");
    options.config_name = "10.0.0.5";
    CHECK(option(openssh_master_arguments(options, "/c"), "HostName").empty());
}

TEST_CASE("a command runs through the master, and by itself as the master would") {
    const auto args = openssh_command_arguments(host(), "/c", "nix-store --serve --write");
    CHECK(has(args, {"ssh", "-T", "-S", "/c"}));
    CHECK(option(args, "ControlMaster") == "no");
    CHECK(has(args, {"-i", "/keys/id_rsa"}));
    CHECK(has(args, {"--", "10.0.0.5", "nix-store --serve --write"}));
    CHECK(std::find(args.begin(), args.end(), "-M") == args.end());
}

TEST_CASE("bastions become nested ProxyCommands, each hop with its own settings") {
    auto options = host();
    ConnectOptions first = options;
    first.address = "bastion-a";
    first.port = 22;
    first.user = "jump";
    first.identities = {"/keys/a"};
    ConnectOptions second = options;
    second.address = "bastion-b";
    second.port = 2200;
    second.user = "hop";
    second.identities = {"/keys/b"};
    options.jump = {first, second};
    const auto proxy = option(openssh_master_arguments(options, "/c"), "ProxyCommand");
    // The last bastion forwards to the host; ssh expands %h:%p to it.
    CHECK(proxy.starts_with("ssh "));
    CHECK(proxy.find("-p 2200 -l hop") != std::string::npos);
    CHECK(proxy.find("-i /keys/b") != std::string::npos);
    CHECK(proxy.ends_with("-W %h:%p -- bastion-b"));
    // The first bastion, nested: its %-tokens escaped once for the outer ssh.
    CHECK(proxy.find("'ProxyCommand=ssh ") != std::string::npos);
    CHECK(proxy.find("-i /keys/a") != std::string::npos);
    CHECK(proxy.find("-W %%h:%%p -- bastion-a'") != std::string::npos);
    CHECK(proxy.find("bastion-a") > proxy.find("-l jump"));
}
