#pragma once

#include <cstdio>
#include <cstdlib>

namespace shoal::fuzz {

// A broken invariant is a finding like a crash: abort, so libFuzzer keeps the input.
inline void require(bool condition, const char* invariant) {
    if (!condition) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", invariant);
        std::abort();
    }
}

} // namespace shoal::fuzz
