#include "ssh/connect_options.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace shoal::ssh;

namespace {

ConnectOptions valid_options() {
    ConnectOptions options;
    options.address = "10.0.0.2";
    options.user = "root";
    return options;
}

// A temporary home directory, removed again.
class TemporaryHome {
public:
    TemporaryHome() {
        char pattern[] = "/tmp/shoal-ssh-test-XXXXXX";
        path_ = ::mkdtemp(pattern);
        std::filesystem::create_directories(path_ / ".ssh");
    }
    ~TemporaryHome() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    void add(const char* name) const { std::ofstream(path_ / ".ssh" / name) << "key\n"; }

private:
    std::filesystem::path path_;
};

} // namespace

TEST_CASE("valid options pass and name their destination") {
    const auto options = valid_options();
    CHECK_NOTHROW(options.validate());
    CHECK(options.destination() == "root@10.0.0.2:22");
}

TEST_CASE("bad options are usage errors that name the field") {
    auto options = valid_options();
    SUBCASE("address") {
        options.address = "";
        CHECK_THROWS_WITH_AS(options.validate(), "ssh: bad address ''", shoal::util::UsageError);
    }
    SUBCASE("address with a space") {
        options.address = "a b";
        CHECK_THROWS_WITH_AS(options.validate(), "ssh: bad address 'a b'", shoal::util::UsageError);
    }
    SUBCASE("port") {
        options.port = 0;
        CHECK_THROWS_WITH_AS(options.validate(), "ssh: port 0 is not valid for 10.0.0.2",
                             shoal::util::UsageError);
    }
    SUBCASE("user") {
        options.user = "";
        CHECK_THROWS_WITH_AS(options.validate(), "ssh: bad user name '' for 10.0.0.2",
                             shoal::util::UsageError);
    }
    SUBCASE("connect timeout") {
        options.connect_timeout = std::chrono::milliseconds(0);
        CHECK_THROWS_WITH_AS(options.validate(),
                             "ssh: the connect timeout for 10.0.0.2 must be positive (0 ms)",
                             shoal::util::UsageError);
    }
    SUBCASE("IO timeout") {
        options.io_timeout = std::chrono::milliseconds(4999);
        CHECK_THROWS_WITH_AS(options.validate(),
                             "ssh: the IO timeout for 10.0.0.2 must be at least 5 s (4999 ms)",
                             shoal::util::UsageError);
    }
}

TEST_CASE("default identities are the ed25519 and ECDSA keys that exist") {
    const TemporaryHome home;
    auto options = valid_options();
    CHECK(options.identity_files(home.path()).empty());
    home.add("id_ecdsa");
    home.add("id_rsa");
    CHECK(options.identity_files(home.path()) ==
          std::vector<std::filesystem::path>{home.path() / ".ssh/id_ecdsa"});
    home.add("id_ed25519");
    CHECK(options.identity_files(home.path()) ==
          std::vector<std::filesystem::path>{home.path() / ".ssh/id_ed25519",
                                             home.path() / ".ssh/id_ecdsa"});
    options.identities = {"/keys/deploy"};
    CHECK(options.identity_files(home.path()) ==
          std::vector<std::filesystem::path>{"/keys/deploy"});
}

TEST_CASE("known_hosts defaults to the user's own") {
    auto options = valid_options();
    CHECK(options.known_hosts_file("/home/u") == "/home/u/.ssh/known_hosts");
    options.known_hosts = "/fleet/known_hosts";
    CHECK(options.known_hosts_file("/home/u") == "/fleet/known_hosts");
}
