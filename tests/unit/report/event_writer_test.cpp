#include "report/event_writer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

TEST_CASE("an event quoting bytes that are not UTF-8 is written with U+FFFD in their place") {
    std::ostringstream out;
    shoal::report::EventWriter events(out);
    // A Latin-1 file name and a truncated sequence, as a remote's stderr may hold them.
    const std::string stderr_text = "cannot open caf\xe9.txt: \xe2\x82";

    CHECK_NOTHROW(events.write("host-failed", {{"host", "web-01"}, {"error", stderr_text}}));

    const std::string line = out.str();
    REQUIRE(line.ends_with('\n'));
    const auto event = nlohmann::json::parse(line);
    CHECK(event["event"] == "host-failed");
    CHECK(event["host"] == "web-01");
    CHECK(event["error"] == "cannot open caf\xef\xbf\xbd.txt: \xef\xbf\xbd");
}
