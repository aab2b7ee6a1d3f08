#!/usr/bin/env bash
# A peer whose certificate names the torrent but comes from another CA is
# refused and gets nothing, while the legitimate fetcher completes.
source "$(dirname "$0")/swarm_common.sh"
trap 'show_logs; swarm_cleanup' EXIT

random_file aaaa 2000000
random_file bbbb 2000000
make_swarm seed f1

# Same torrent name, same host naming, different key: only the CA differs.
mkdir -p "$work/other-ca"
"$SWARM_PEER" ca --out-dir "$work/other-ca" --name "$torrent_name"
"$SWARM_PEER" issue --ca-dir "$work/other-ca" --host intruder --torrent-name "$torrent_name" --out-dir "$certs"

# Verbose: the seed logs each refused TLS handshake.
SWARM_PEER_VERBOSE=1 start_peer seed seed 127.0.4.1:7401 --timeout 60
wait_for_file "$work/seed.ready" 30
start_peer fetch intruder 127.0.4.3:7403 --peer 127.0.4.1:7401 --timeout 8
intruder_pid=$last_pid
start_peer fetch f1 127.0.4.2:7402 --peer 127.0.4.1:7401 --timeout 30
wait_exit "$last_pid" 40
((exit_code == 0)) || fail "the legitimate fetcher did not complete (exit code $exit_code)"
same_files f1 aaaa bbbb

# Exit code 3: it timed out with its files incomplete.
intruder_got_nothing intruder "$intruder_pid" 3 aaaa bbbb
# It did reach the seed, and the TLS handshake turned it away.
grep -q "certificate verify failed" "$work/seed.log" || fail "the seed never refused the intruder"
trap swarm_cleanup EXIT
echo "swarm wrong CA: ok"
