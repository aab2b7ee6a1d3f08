#include "plan/dot_report.hpp"
#include "plan/json_report.hpp"
#include "plan/name_ranges.hpp"
#include "plan/planner.hpp"
#include "plan/text_report.hpp"
#include "random_fleet.hpp"

#include <doctest/doctest.h>

namespace {

using namespace shoal::plan;

constexpr std::uint64_t gigabit = 1'000'000'000;

Fleet two_racks() {
    Fleet fleet = testing::uniform_fleet(0, 2, 1 << 20, gigabit);
    for (int i = 1; i <= 52; ++i) {
        fleet.hosts.push_back({fmt::format("ci-a-r1-{:03}", i), "a", "r1", gigabit, {0, 1}});
    }
    fleet.hosts.push_back({"db1", "b", "r9", gigabit, {1}});
    fleet.hosts.push_back({"idle", "b", "r9", gigabit, {}});
    return fleet;
}

} // namespace

TEST_CASE("host names fold into ranges") {
    CHECK(fold_name_ranges({"web-03", "web-01", "web-02", "db1", "web-05", "x", "web-1"}) ==
          std::vector<std::string>{"db1", "web-1", "web-[01:03]", "web-05", "x"});
    CHECK(fold_name_ranges({"r1-h1.lan", "r1-h2.lan", "r2-h1.lan"}) ==
          std::vector<std::string>{"r1-h[1:2].lan", "r2-h1.lan"});
    CHECK(describe_names({"a", "b", "c"}, 2) == "a, b (+1 more)");
    CHECK(describe_names({}, 2).empty());
}

TEST_CASE("JSON follows docs/plan-json.md") {
    const Plan plan = make_plan(two_racks(), {});
    const auto json = plan_json(plan);
    CHECK(json["source"]["bandwidth"] == gigabit);
    CHECK(json["source"]["egress_bytes"] == 2 << 20);
    CHECK(json["hosts"].size() == 53);
    for (const auto& host : json["hosts"]) {
        CHECK(host["wave"].get<unsigned>() >= 1);
        CHECK(!host["parents"].empty());
        CHECK(host["missing_bytes"].get<std::uint64_t>() > 0);
        CHECK(host["name"] != "idle");
    }
    CHECK(json["hosts"][0]["parents"] == nlohmann::json::array({"@source"}));
    // As `shoal push` runs it: the root, then its rack-mates, eight in all.
    const auto& slices_to = json["source"]["slices_to"];
    CHECK(slices_to.size() == 8);
    CHECK(slices_to[0] == json["hosts"][0]["name"]);
    for (const auto& name : slices_to) {
        CHECK(name.get<std::string>().starts_with("ci-a-r1-"));
    }
    CHECK(json["hosts"][0]["missing_paths"] == 2);
    const auto& links = json["links"];
    CHECK(links["deployer_egress"].get<std::uint64_t>() + links["cross_site"].get<std::uint64_t>() +
              links["cross_rack"].get<std::uint64_t>() + links["in_rack"].get<std::uint64_t>() ==
          (52ULL * 2 + 1) << 20);
    const auto& estimate = json["estimate"];
    CHECK(estimate["swarm_seconds"].get<double>() < estimate["direct_seconds"].get<double>());
    // The whole push is the setup plus the transfer; the setup its parts.
    CHECK(estimate["total_seconds"].get<double>() ==
          doctest::Approx(estimate["setup_seconds"].get<double>() +
                          estimate["swarm_seconds"].get<double>()));
    double parts = 0;
    for (const char* part : {"connect", "agents", "assignments", "framing", "relay", "finish"}) {
        CHECK(estimate["setup"][part].get<double>() > 0);
        parts += estimate["setup"][part].get<double>();
    }
    CHECK(parts == doctest::Approx(estimate["setup_seconds"].get<double>()));
    CHECK(estimate["jobs"] == 64);
}

TEST_CASE("the text report folds host lists and shows entries with their parents") {
    const std::string text = plan_text(make_plan(two_racks(), {}));
    CHECK(text.find("53 hosts need") != std::string::npos);
    CHECK(text.find("estimate: swarm push ") != std::string::npos);
    CHECK(text.find(" = setup ") != std::string::npos);
    CHECK(text.find("  setup: connect 1.0 s, agents ") != std::string::npos);
    CHECK(text.find("  transfer alone: swarm ") != std::string::npos);
    CHECK(text.find("deployer slices: one each to 8 hosts: ci-a-r1-") != std::string::npos);
    CHECK(text.find("wave 1: ci-a-r1-001 <- @source 2.0 MiB") != std::string::npos);
    // Equal hosts are dealt out depth-first: each subtree is a run of names.
    CHECK(text.find("wave 2: 3 hosts: ci-a-r1-002, ci-a-r1-027, ci-a-r1-040") != std::string::npos);
    CHECK(text.find("db1 <- ci-a-r1-") != std::string::npos);
    CHECK(text.find("(site a)") != std::string::npos);
    CHECK(text.find("idle") == std::string::npos);
    CHECK(text.find("faster") != std::string::npos);
}

TEST_CASE("DOT output clusters sites and racks") {
    const std::string dot = plan_dot(make_plan(two_racks(), {}));
    CHECK(dot.rfind("digraph plan {", 0) == 0);
    CHECK(dot.find("label=\"site a\"") != std::string::npos);
    CHECK(dot.find("label=\"rack r9\"") != std::string::npos);
    CHECK(dot.find("\"@source\" -> \"ci-a-r1-001\"") != std::string::npos);
    CHECK(dot.back() == '\n');
}

TEST_CASE("simulation reports per wave and in total") {
    const Plan plan = make_plan(two_racks(), {.piece_size = 1 << 20});
    const SimulationResult result = simulate(plan, {.piece_size = 1 << 20});
    const auto json = simulation_json(result);
    CHECK(json["waves"].size() == plan.depth);
    CHECK(json["waves"][0]["wave"] == 1);
    CHECK(json["total_seconds"].get<double>() == result.total_seconds);
    CHECK(json["source_egress_bytes"] == 2 << 20);
    const std::string text = simulation_text(plan, result);
    CHECK(text.find("wave 1: done after") != std::string::npos);
    CHECK(text.find("total: ") != std::string::npos);
}
