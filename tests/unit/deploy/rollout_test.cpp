#include "deploy/rollout.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using shoal::deploy::HostCount;
using shoal::deploy::plan_rollout;
using shoal::deploy::RolloutOptions;
using shoal::deploy::Stage;
using shoal::deploy::StageKind;

namespace {

std::vector<std::vector<std::size_t>> hosts_of(const std::vector<Stage>& stages) {
    std::vector<std::vector<std::size_t>> hosts;
    for (const auto& stage : stages) {
        hosts.push_back(stage.hosts);
    }
    return hosts;
}

} // namespace

TEST_CASE("host counts are numbers or percentages, and nothing else") {
    CHECK(HostCount::parse("--batch-size", "5").of(100, true) == 5);
    CHECK(HostCount::parse("--batch-size", "25%").of(10, true) == 3);    // sizes round up
    CHECK(HostCount::parse("--max-failures", "25%").of(10, false) == 2); // budgets round down
    CHECK(HostCount::parse("--max-failures", "0").of(10, false) == 0);
    CHECK(HostCount::parse("--max-failures", "100%").of(7, false) == 7);
    for (const char* bad : {"", "%", "abc", "5x", "-1", "101%", "1.5", " 5"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS(HostCount::parse("--batch-size", bad),
                             doctest::Contains("--batch-size"), shoal::util::UsageError);
    }
}

TEST_CASE("without canaries or batches, every host is activated in one stage") {
    const auto stages = plan_rollout({false, false, false}, RolloutOptions{});
    REQUIRE(stages.size() == 1);
    CHECK(stages[0].kind == StageKind::batch);
    CHECK(stages[0].hosts == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("canaries go first: tagged hosts, then the first others up to --canary") {
    RolloutOptions options;
    options.canaries = 2;
    options.batch_size = HostCount::parse("--batch-size", "2");
    const auto stages = plan_rollout({false, false, true, false, false, false}, options);
    REQUIRE(stages.size() == 3);
    CHECK(stages[0].kind == StageKind::canary);
    CHECK(hosts_of(stages) == std::vector<std::vector<std::size_t>>{{0, 2}, {1, 3}, {4, 5}});
    CHECK(stages[1].kind == StageKind::batch);
}

TEST_CASE("tagged canaries count even beyond --canary, and --canary never exceeds the fleet") {
    RolloutOptions options;
    options.canaries = 1;
    CHECK(hosts_of(plan_rollout({true, true, false}, options)) ==
          std::vector<std::vector<std::size_t>>{{0, 1}, {2}});
    options.canaries = 10;
    CHECK(hosts_of(plan_rollout({false, false}, options)) ==
          std::vector<std::vector<std::size_t>>{{0, 1}});
}

TEST_CASE("percentage batches are a share of every host to activate, at least one") {
    RolloutOptions options;
    options.batch_size = HostCount::parse("--batch-size", "25%");
    CHECK(hosts_of(plan_rollout(std::vector<bool>(8, false), options)) ==
          std::vector<std::vector<std::size_t>>{{0, 1}, {2, 3}, {4, 5}, {6, 7}});
    options.batch_size = HostCount::parse("--batch-size", "1%");
    CHECK(plan_rollout(std::vector<bool>(3, false), options).size() == 3);
    CHECK(plan_rollout({}, options).empty());
}

TEST_CASE("the failure budget is --max-failures of the hosts to activate") {
    RolloutOptions options;
    CHECK(shoal::deploy::failure_budget(options, 100) == 0);
    options.max_failures = HostCount::parse("--max-failures", "10%");
    CHECK(shoal::deploy::failure_budget(options, 100) == 10);
    CHECK(shoal::deploy::failure_budget(options, 9) == 0);
    options.max_failures = HostCount::parse("--max-failures", "3");
    CHECK(shoal::deploy::failure_budget(options, 2) == 3);
}
