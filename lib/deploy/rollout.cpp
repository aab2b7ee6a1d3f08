#include "deploy/rollout.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace shoal::deploy {

HostCount HostCount::parse(std::string_view option, std::string_view text) {
    HostCount count;
    std::string_view digits = text;
    if (digits.ends_with('%')) {
        count.percent = true;
        digits.remove_suffix(1);
    }
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), count.value);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        (count.percent && count.value > 100)) {
        throw util::UsageError(
            fmt::format("{} '{}' is neither a number of hosts (5) nor a percentage of them (20%)",
                        option, text));
    }
    return count;
}

std::size_t HostCount::of(std::size_t total, bool round_up) const {
    if (!percent) {
        return value;
    }
    const std::size_t scaled = total * value;
    return round_up ? (scaled + 99) / 100 : scaled / 100;
}

std::vector<Stage> plan_rollout(const std::vector<bool>& tagged_canary,
                                const RolloutOptions& options) {
    const std::size_t total = tagged_canary.size();
    std::vector<bool> is_canary = tagged_canary;
    std::size_t canaries =
        static_cast<std::size_t>(std::count(is_canary.begin(), is_canary.end(), true));
    for (std::size_t i = 0; i < total && canaries < options.canaries; ++i) {
        if (!is_canary[i]) {
            is_canary[i] = true;
            ++canaries;
        }
    }
    std::vector<Stage> stages;
    Stage canary_stage{StageKind::canary, {}};
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < total; ++i) {
        (is_canary[i] ? canary_stage.hosts : others).push_back(i);
    }
    if (!canary_stage.hosts.empty()) {
        stages.push_back(std::move(canary_stage));
    }
    const std::size_t batch = std::max<std::size_t>(1, options.batch_size.of(total, true));
    for (std::size_t first = 0; first < others.size(); first += batch) {
        const auto last = std::min(others.size(), first + batch);
        stages.push_back({StageKind::batch,
                          {others.begin() + static_cast<std::ptrdiff_t>(first),
                           others.begin() + static_cast<std::ptrdiff_t>(last)}});
    }
    return stages;
}

std::size_t failure_budget(const RolloutOptions& options, std::size_t total) {
    return options.max_failures.of(total, false);
}

std::string_view stage_kind_name(StageKind kind) {
    return kind == StageKind::canary ? "canary" : "batch";
}

} // namespace shoal::deploy
