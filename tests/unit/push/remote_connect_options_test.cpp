// What a host's SSH connection asks for, from the inventory and the push's options.
#include "fleet/remote_store.hpp"

#include <doctest/doctest.h>

using shoal::fleet::connect_options;
using shoal::fleet::RemoteOptions;
using shoal::inventory::Host;

TEST_CASE("only connections through OpenSSH's client compress") {
    Host host;
    host.address = "10.0.0.4";
    RemoteOptions options;
    options.compress = true;
    CHECK_FALSE(connect_options(host, options).compress); // shoal's own SSH (libssh2)
    host.openssh = true;
    CHECK(connect_options(host, options).compress);
    host.openssh = false;
    options.ssh_program = "/usr/bin/ssh";
    CHECK(connect_options(host, options).compress);
    options.compress = false;
    CHECK_FALSE(connect_options(host, options).compress);
}
