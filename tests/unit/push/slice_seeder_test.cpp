#include "push/slice_seeder.hpp"
#include "support/temporary_directory.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>

namespace {

// One staged NAR and the options of a deployer seeding it from 127.0.0.1.
shoal::swarm::SwarmOptions staged_seed(const std::filesystem::path& root) {
    const auto staging = root / "shoal-test";
    std::filesystem::create_directory(staging);
    std::ofstream(staging / "x.nar") << std::string(100000, 'x');
    const auto ca = shoal::swarm::CertificateAuthority::create("shoal-test", std::chrono::hours(1));
    shoal::swarm::SwarmOptions options;
    options.torrent = shoal::swarm::build_torrent(staging, ca.certificate_pem(), 16 * 1024).bytes;
    options.save_path = root;
    options.certificate = ca.issue("@source", "shoal-test");
    return options;
}

} // namespace

TEST_CASE("the deployer's slices are waited for, but not forever") {
    const TemporaryDirectory directory;
    const auto options = staged_seed(directory.path());
    const std::vector<shoal::swarm::Endpoint> endpoints{{"127.0.0.1", 0}, {"127.0.0.1", 0}};
    const std::vector<std::set<std::string>> wanted{{"x.nar"}, {"x.nar"}};
    const std::vector<std::size_t> groups{0, 0};

    SUBCASE("ready in time") {
        CHECK_NOTHROW(shoal::push::SliceSeeder(options, endpoints, wanted, groups));
    }
    SUBCASE("not ready in time: an error naming where it listens") {
        // No session is ready before libtorrent has answered at least once.
        const std::string expected =
            "not ready to serve " + directory.path().string() +
            " after 0.0 s: not listening, or not done with its certificate or its files, on "
            "127.0.0.1:0, 127.0.0.1:0";
        CHECK_THROWS_WITH_AS(shoal::push::SliceSeeder(options, endpoints, wanted, groups,
                                                      std::chrono::milliseconds(0)),
                             doctest::Contains(expected.c_str()), shoal::util::Error);
    }
    SUBCASE("a staged NAR gone before the slices start: an error naming it, not an empty seed") {
        std::filesystem::remove(directory.path() / "shoal-test" / "x.nar");
        CHECK_THROWS_WITH_AS(shoal::push::SliceSeeder(options, endpoints, wanted, groups),
                             doctest::Contains("shoal-test/x.nar"), shoal::util::Error);
    }
}

TEST_CASE("the deployer's upload limit is shared among its slices") {
    using shoal::push::slice_upload_limit;
    CHECK(slice_upload_limit(1'000'000, 4) == 250'000);
    CHECK(slice_upload_limit(1'000'000, 3) == 333'334); // rounded up
    CHECK(slice_upload_limit(1'000'000, 1) == 1'000'000);
    CHECK(slice_upload_limit(0, 8) == 0); // no limit stays none
    CHECK(slice_upload_limit(5, 8) == 1); // never 0, which would lift it
}
