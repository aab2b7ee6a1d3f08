#!/usr/bin/env bash
# One seed and three fetchers; fetchers 2 and 3 know only fetcher 1, so every
# byte they get was re-seeded by fetcher 1. All end with the seed's exact files,
# and the seed sent the payload about once.
source "$(dirname "$0")/swarm_common.sh"
trap 'show_logs; swarm_cleanup' EXIT

random_file aaaa 3000000
random_file bbbb 100000
random_file cccc 6000000
make_swarm seed f1 f2 f3

start_peer seed seed 127.0.1.1:7101 --timeout 120
seed_pid=$last_pid
wait_for_file "$work/seed.ready" 30
start_peer fetch f1 127.0.1.2:7102 --peer 127.0.1.1:7101 --linger 100 --timeout 110
f1_pid=$last_pid
wait_for_file "$work/f1.ready" 30
start_peer fetch f2 127.0.1.3:7103 --peer 127.0.1.2:7102 --timeout 60
f2_pid=$last_pid
start_peer fetch f3 127.0.1.4:7104 --peer 127.0.1.2:7102 --timeout 60
f3_pid=$last_pid

wait_exit "$f2_pid" 70
((exit_code == 0)) || fail "fetcher 2 did not complete (exit code $exit_code)"
wait_exit "$f3_pid" 70
((exit_code == 0)) || fail "fetcher 3 did not complete (exit code $exit_code)"
wait_for_file "$work/f1.json" 10
[[ $(result f1 .complete) == true ]] || fail "fetcher 1 did not complete"
kill -TERM "$f1_pid" "$seed_pid"
wait_exit "$f1_pid" 30
((exit_code == 0)) || fail "fetcher 1 did not stop cleanly (exit code $exit_code)"
wait_exit "$seed_pid" 30

for host in f1 f2 f3; do
  same_files "$host" aaaa bbbb cccc
done
for host in f2 f3; do
  (($(result "$host" .payload_downloaded) >= total_size)) || fail "$host downloaded too little"
done
(($(result f1 .payload_uploaded) >= total_size)) || fail "fetcher 1 re-seeded less than the payload"
seed_sent=$(result seed .payload_uploaded)
((seed_sent >= total_size && seed_sent < total_size * 11 / 10 + 65536)) ||
  fail "the seed sent $seed_sent bytes for a $total_size-byte payload"
trap swarm_cleanup EXIT
echo "swarm reseed: ok (seed sent $seed_sent of $total_size bytes)"
