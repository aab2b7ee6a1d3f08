#include "push/source_probe.hpp"

#include <doctest/doctest.h>

using shoal::push::connect_probe_command;
using shoal::push::probe_verdict;
using shoal::push::ProbeVerdict;

TEST_CASE("the probe connects with bash's /dev/tcp, bounded, and says when it cannot run") {
    CHECK(connect_probe_command({"10.0.0.1", 7400}, std::chrono::seconds(3)) ==
          "command -v bash >/dev/null && command -v timeout >/dev/null || exit 3; "
          "exec timeout 3 bash -c 'exec 3<>/dev/tcp/10.0.0.1/7400'");
}

TEST_CASE("a refusal proves the way open; silence, no route or no network cut the host off") {
    CHECK(probe_verdict(0, "") == ProbeVerdict::reachable);
    CHECK(probe_verdict(1, "bash: connect: Connection refused\nbash: line 1: /dev/tcp/10.0.0.1/"
                           "7400: Connection refused") == ProbeVerdict::reachable);
    CHECK(probe_verdict(124, "") == ProbeVerdict::cut_off);
    CHECK(probe_verdict(1, "bash: connect: Network is unreachable") == ProbeVerdict::cut_off);
    CHECK(probe_verdict(1, "bash: connect: No route to host") == ProbeVerdict::cut_off);
    CHECK(probe_verdict(1, "bash: connect: Connection timed out") == ProbeVerdict::cut_off);
    // No bash or no timeout there, or anything else: cannot tell.
    CHECK(probe_verdict(3, "") == ProbeVerdict::unknown);
    CHECK(probe_verdict(1, "sudo: a password is required") == ProbeVerdict::unknown);
}
