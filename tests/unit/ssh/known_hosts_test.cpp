#include "ssh/known_hosts.hpp"

#include <doctest/doctest.h>

using namespace shoal::ssh;

namespace {
constexpr const char* ed25519_base64 =
    "AAAAC3NzaC1lZDI1NTE5AAAAIP7pj1tO9Nt58Dgl9ocXcAlW+pVAXWtbkeKql2AZizrC";
}

TEST_CASE("known_hosts lines use OpenSSH's host forms") {
    const Bytes key = base64_decode(ed25519_base64);
    CHECK(known_hosts_line("10.1.2.3", 22, key) ==
          std::string("10.1.2.3 ssh-ed25519 ") + ed25519_base64 + "\n");
    CHECK(known_hosts_line("10.1.2.3", 2222, key) ==
          std::string("[10.1.2.3]:2222 ssh-ed25519 ") + ed25519_base64 + "\n");
}

TEST_CASE("libssh2 host key types map to algorithm names") {
    CHECK(hostkey_algorithm(LIBSSH2_HOSTKEY_TYPE_ED25519) == "ssh-ed25519");
    CHECK(hostkey_algorithm(LIBSSH2_HOSTKEY_TYPE_ECDSA_384) == "ecdsa-sha2-nistp384");
    CHECK(hostkey_algorithm(LIBSSH2_HOSTKEY_TYPE_UNKNOWN).empty());
}
