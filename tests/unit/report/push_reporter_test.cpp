#include "report/push_reporter.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

using shoal::report::HostProgress;
using shoal::report::PushReporter;

namespace {

nlohmann::json last_event(const std::ostringstream& events) {
    const std::string text = events.str();
    const auto start = text.rfind('\n', text.size() - 2);
    return nlohmann::json::parse(text.substr(start == std::string::npos ? 0 : start + 1));
}

} // namespace

TEST_CASE("swarm progress counts bytes while they move, then the paths still to import") {
    std::ostringstream events;
    std::ostringstream human;
    PushReporter reporter(&events, human);
    const std::uint64_t mib = 1024 * 1024;

    reporter.swarm_progress(
        {{"h1", 2 * mib, 4 * mib, 3, 10, false}, {"h2", 4 * mib, 4 * mib, 10, 10, true}}, 2.0);
    CHECK(human.str().find("swarm: 1/2 hosts complete, 6.0 MiB of 8.0 MiB (75%), 3.0 MiB/s, "
                           "ETA 0.7 s; 13 of 20 paths imported") != std::string::npos);
    auto event = last_event(events);
    CHECK(event["event"] == "progress");
    CHECK(event["imported_paths"] == 13);
    CHECK(event["paths"] == 20);
    CHECK(event["hosts"][0]["imported_paths"] == 3);
    CHECK(event["hosts"][0]["paths"] == 10);

    // Every byte in, imports going on: no rate of 0 B/s, no ETA.
    human.str("");
    reporter.swarm_progress(
        {{"h1", 4 * mib, 4 * mib, 7, 10, false}, {"h2", 4 * mib, 4 * mib, 10, 10, true}}, 4.0);
    CHECK(human.str().find("(100%), all downloaded; 17 of 20 paths imported") != std::string::npos);
    CHECK(human.str().find("B/s") == std::string::npos);
    CHECK(last_event(events)["imported_paths"] == 17);
}
