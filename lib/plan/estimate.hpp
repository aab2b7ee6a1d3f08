#pragma once

#include "plan/plan.hpp"

#include <cstddef>

namespace shoal::plan {

// Closed-form completion times of a plan (no simulation).
//
// Swarm: pieces flow on while a wave is still receiving, so a host finishes
// its bytes' streaming time after the start, plus one piece time per hop:
//     T(h) = stream(h) + latency(h)
//     stream(h) = max(received(h) / link(h), share(p) / edge(p, h) for each parent p)
//     latency(h) = max over parents p of latency(p) + mean_piece(h) / edge(p, h)
//     rate(h) = received(h) / stream(h)
// where edge(p, h) = min(link(h), what p offers, the declared uplinks of the
// sites it crosses): the deployer offers its link; a parent in h's own zone
// offers the rate at which the zone's entry receives, as the zone trades
// pieces as a mesh (see mesh_peers.hpp); any other parent p offers an equal
// share of its link per child outside its zone, at most rate(p). Its own
// zone costs it nothing, as the swarm serves plan children first and the
// zone's other hosts take over the in-zone uploads. mean_piece(h) is the mean size of the pieces h
// receives (pieces never span two paths, so small paths make small pieces). The estimate is the
// largest T(h); with equal links B, S bytes in M pieces and depth D it is (S/B)(1 + D/M), the
// pipelined bound, with D ~ log_K(N). The swarm takes at least as long as each declared site uplink
// needs for the plan's bytes into the site, and for those out of it.
//
// Direct: the deployer pushes every host's missing bytes itself, all hosts at
// once, its uplink shared max-min fairly and each host capped by its own link
// (water-filling, replayed at each host's completion).
//
// Setup: what a swarm push spends besides the transfer at line rate, for N
// hosts that need something (SetupEstimate, docs/planning.md):
//     connect     = connect_seconds * ceil(N / jobs)
//     agents      = agent_start_seconds * N / min(jobs, agent_start_threads)
//     assignments = N * (host_bytes + torrent_bytes_per_piece * pieces) / the
//                   deployer's uplink, or a site's share over its declared uplink
//     framing     = framing * transfer
//     relay       = max over h of the sum, over the hops from the deployer to h,
//                   of hop_seconds + hop_bytes / piece_rate (as in latency(h))
//     finish      = finish_seconds
// The constants were fitted to every push measured in BENCHMARKS.md (2 to 40
// namespace hosts on one 2-core machine, 1 to 100 Mbit/s, 2 to 64 MiB) and
// checked against the timelines of `shoal push -v` where the benchmarks
// recorded them; on machines with a CPU each, connecting and starting agents
// should take less.
Estimate estimate(const Plan& plan);

namespace setup {

// One round of `jobs` SSH logins, `nix-store --serve` starts and
// QueryValidPaths: the diff of 8 hosts took about 1 s (`-v` timeline).
inline constexpr double connect_seconds = 1.0;
// One `shoal agent` start (an SSH channel, the staging check, the agent
// process, its libtorrent session), on each of the push's agent threads:
// with agents starting while the hosts are still being diffed, every agent
// listened 1.6, 2.5, 5.2 and 8.8 s into pushes to 8, 16, 50 and 100 hosts
// (bench-scale, 2026-12-04), which fits 0.4-0.56 s less the diff. (1.1 s
// until then, fitted on 2026-11-30 to 8 and 25 hosts, put estimates for 32 to
// 100 hosts 20-26 % above the pushes.)
inline constexpr double agent_start_seconds = 0.5;
// The push starts agents on a pool of at most this many threads
// (push::SwarmDriver), fewer if `--jobs` is lower.
inline constexpr std::size_t agent_start_threads = 6;
// Bytes each host is sent before its first piece, besides the torrent:
// SSH handshake and login, the diff, its certificate and key.
inline constexpr double host_bytes = 4000;
// Each agent's assignment carries the torrent in base64: a SHA-1 per piece,
// 20 bytes, 27 in base64.
inline constexpr double torrent_bytes_per_piece = 27;
// Ethernet, IP, TCP and TLS headers on the payload: the deployer sent 1.05 to
// 1.08 times the closure at 100 Mbit/s (more on 2 Mbit/s links, where
// retransmissions add to it).
inline constexpr double framing = 0.05;
// Per hop, a piece waits for the sender's queue and the receiver's hash check
// and request round trips: a fixed time plus the bytes queued ahead of it at
// the hop's rate. Fitted to the growth of push times with the plan's depth
// (e.g. 8 to 25 hosts at 2 Mbit/s: 3 to 4 waves, 7.7 s more transfer).
inline constexpr double hop_seconds = 1.0;
inline constexpr double hop_bytes = 1e6;
// From the last host's completion to the push's end, agents stopping (0.3 s
// in the `-v` timeline of 8 hosts).
inline constexpr double finish_seconds = 0.3;

} // namespace setup

} // namespace shoal::plan
