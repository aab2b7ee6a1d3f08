#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::deploy {

// A number of hosts, absolute ("5") or relative to the hosts activated ("20%").
struct HostCount {
    unsigned value = 0;
    bool percent = false;

    // Throws UsageError naming `option` for anything but N or P% (P at most 100).
    static HostCount parse(std::string_view option, std::string_view text);
    // This count out of `total` hosts; `round_up` for sizes that must not be 0.
    std::size_t of(std::size_t total, bool round_up) const;
};

struct RolloutOptions {
    std::size_t canaries = 0;        // activated first, on top of the hosts tagged canary
    HostCount batch_size{100, true}; // default: every other host in one batch
    HostCount max_failures{0, false};
};

enum class StageKind { canary, batch };

struct Stage {
    StageKind kind = StageKind::batch;
    std::vector<std::size_t> hosts; // indices into the rollout's hosts
};

// Splits the hosts to activate into stages, in inventory order: the canaries
// (hosts tagged canary, then the first others up to `canaries`), then batches.
// `tagged_canary[i]` says whether host i carries the canary tag.
std::vector<Stage> plan_rollout(const std::vector<bool>& tagged_canary,
                                const RolloutOptions& options);

// How many activation failures the rollout tolerates among `total` hosts;
// it stops as soon as it sees more.
std::size_t failure_budget(const RolloutOptions& options, std::size_t total);

std::string_view stage_kind_name(StageKind kind);

} // namespace shoal::deploy
