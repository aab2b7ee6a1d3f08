#!/usr/bin/env bash
# A plain libtorrent client that has the .torrent but no certificate gets no
# payload from the seed, while a fetcher with a certificate completes meanwhile.
source "$(dirname "$0")/swarm_common.sh"
trap 'show_logs; swarm_cleanup' EXIT

random_file aaaa 2000000
random_file bbbb 2000000
make_swarm seed f1

# Verbose: the seed logs each refused TLS handshake.
SWARM_PEER_VERBOSE=1 start_peer seed seed 127.0.3.1:7301 --timeout 60
wait_for_file "$work/seed.ready" 30
mkdir -p "$work/plain"
"$SWARM_PEER" plain --torrent "$torrent" --save-path "$work/plain" --listen 127.0.3.3:7303 \
  --peer 127.0.3.1:7301 --duration 8 --result "$work/plain.json" 2>>"$work/plain.log" >/dev/null &
plain_pid=$!
peer_pids+=($plain_pid)
start_peer fetch f1 127.0.3.2:7302 --peer 127.0.3.1:7301 --timeout 30
wait_exit "$last_pid" 40
((exit_code == 0)) || fail "the fetcher with a certificate did not complete (exit code $exit_code)"
same_files f1 aaaa bbbb

intruder_got_nothing plain "$plain_pid" 0 aaaa bbbb
# It did reach the seed, and the TLS handshake turned it away.
grep -q "peer did not return a certificate" "$work/seed.log" || fail "the seed never refused the plain client"
trap swarm_cleanup EXIT
echo "swarm plain refused: ok"
