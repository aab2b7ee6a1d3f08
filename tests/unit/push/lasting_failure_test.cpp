#include "fleet/lasting_failure.hpp"
#include "ssh/error.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <stdexcept>

using shoal::fleet::lasting_failure;

TEST_CASE("a full disk, a refused host key and refused credentials last") {
    const auto full = lasting_failure(shoal::util::Error(
        "agent: importing /nix/store/x: AddToStoreNar: remote nix-store failed: error: writing to "
        "file: No space left on device"));
    REQUIRE(full);
    CHECK(full->find("no space left on the host") != std::string::npos);
    CHECK(full->find("nix-collect-garbage") != std::string::npos);
    CHECK(lasting_failure(std::runtime_error("write: Disk quota exceeded")));
    const auto key = lasting_failure(shoal::ssh::HostKeyError("h1: HOST KEY CHANGED"));
    REQUIRE(key);
    CHECK(*key == "its host key is refused");
    const auto credentials =
        lasting_failure(shoal::ssh::AuthenticationError("h1: authentication as 'root' failed"));
    REQUIRE(credentials);
    CHECK(*credentials == "it refuses our credentials");
}

TEST_CASE("what another attempt may cure does not last") {
    CHECK_FALSE(lasting_failure(shoal::util::Error("agent: no progress for 60 s")));
    CHECK_FALSE(lasting_failure(shoal::util::Error("'shoal agent': the agent exited")));
    CHECK_FALSE(lasting_failure(
        shoal::util::Error("h1: cannot connect to 10.0.0.1 port 22: no answer within 10 s")));
    CHECK_FALSE(lasting_failure(std::runtime_error("")));
}
