#include "swarm/endpoint.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using shoal::swarm::Endpoint;
using shoal::swarm::parse_endpoint;

TEST_CASE("endpoints parse and print back") {
    CHECK(parse_endpoint("127.0.0.2:7000") == Endpoint{"127.0.0.2", 7000});
    CHECK(parse_endpoint("[::1]:7001") == Endpoint{"::1", 7001});
    CHECK(Endpoint{"::1", 7001}.to_string() == "[::1]:7001");
    CHECK(Endpoint{"10.0.0.1", 80}.to_string() == "10.0.0.1:80");
}

TEST_CASE("malformed endpoints are usage errors") {
    for (const char* text :
         {"127.0.0.2", "127.0.0.2:", "127.0.0.2:70000", "host:7000", "127.0.0.2:7000x", ":7000"}) {
        CAPTURE(text);
        CHECK_THROWS_AS(parse_endpoint(text), shoal::util::UsageError);
    }
}
