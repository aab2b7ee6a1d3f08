#include "sshconfig/host_pattern.hpp"

#include <doctest/doctest.h>

using shoal::sshconfig::matches_host_line;
using shoal::sshconfig::matches_wildcard;

TEST_CASE("wildcards match as OpenSSH's do") {
    CHECK(matches_wildcard("*", "anything"));
    CHECK(matches_wildcard("web-*", "web-12"));
    CHECK(matches_wildcard("web-?", "web-1"));
    CHECK_FALSE(matches_wildcard("web-?", "web-12"));
    CHECK(matches_wildcard("*.example.com", "a.b.example.com"));
    CHECK_FALSE(matches_wildcard("*.example.com", "example.com"));
    CHECK(matches_wildcard("10.0.*.1", "10.0.7.1"));
    CHECK(matches_wildcard("WEB-1", "web-1"));
    CHECK(matches_wildcard("a*b*c", "aXbYbZc"));
    CHECK_FALSE(matches_wildcard("a*b*c", "aXbYbZ"));
    CHECK_FALSE(matches_wildcard("", "x"));
}

TEST_CASE("a Host line matches when a plain pattern does and no negated one") {
    CHECK(matches_host_line({"web-*", "db-*"}, "db-3"));
    CHECK_FALSE(matches_host_line({"web-*"}, "db-3"));
    CHECK_FALSE(matches_host_line({"*", "!db-3"}, "db-3"));
    CHECK(matches_host_line({"*", "!db-3"}, "db-4"));
    // A negation alone never matches: nothing plain matched.
    CHECK_FALSE(matches_host_line({"!db-3"}, "web-1"));
    // The order does not matter: a negated match always wins.
    CHECK_FALSE(matches_host_line({"!db-*", "*"}, "db-1"));
}
