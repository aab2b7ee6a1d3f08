#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shoal::inventory {

// The candidate closest to `word` by edit distance (insertions, deletions,
// substitutions and swaps of neighbours), if it is close enough to be a
// plausible typo: at most one edit per three letters, at least one.
std::optional<std::string> closest_spelling(std::string_view word,
                                            std::span<const std::string> candidates);

// " (did you mean 'address'?)" for a close candidate, "" otherwise: ready to
// append to an error message.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

} // namespace shoal::inventory
