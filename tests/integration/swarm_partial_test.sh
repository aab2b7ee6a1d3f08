#!/usr/bin/env bash
# A fetcher that needs one file of three downloads that file and nothing else.
source "$(dirname "$0")/swarm_common.sh"
trap 'show_logs; swarm_cleanup' EXIT

random_file aaaa 4000000
random_file bbbb 1500000
random_file cccc 4000000
make_swarm seed f1

start_peer seed seed 127.0.2.1:7201 --timeout 60
wait_for_file "$work/seed.ready" 30

# A second peer on the seed's address and port fails at once, saying why.
"$SWARM_PEER" seed --torrent "$torrent" --save-path "$work/seed" --listen 127.0.2.1:7201 \
  --cert-dir "$certs" --host seed --timeout 20 >/dev/null 2>"$work/clash.log" && fail "a port clash went unnoticed"
grep -q "cannot listen" "$work/clash.log" || fail "a port clash was not explained: $(cat "$work/clash.log")"

start_peer fetch f1 127.0.2.2:7202 --peer 127.0.2.1:7201 --want bbbb --timeout 40
wait_exit "$last_pid" 50
((exit_code == 0)) || fail "the fetcher did not complete (exit code $exit_code)"

same_files f1 bbbb
holds_nothing f1 aaaa cccc
[[ $(result f1 '.files[] | select(.name == "bbbb") | .complete') == true ]] || fail "bbbb not reported complete"
[[ $(result f1 '[.files[] | select(.name != "bbbb") | .wanted] | any') == false ]] ||
  fail "other files reported as wanted"
downloaded=$(result f1 .payload_downloaded)
# Only bbbb's blocks: its size rounded up to whole 16 KiB blocks.
((downloaded >= 1500000 && downloaded <= 1500000 + 16384)) ||
  fail "the fetcher downloaded $downloaded bytes for a 1500000-byte file"
trap swarm_cleanup EXIT
echo "swarm partial: ok ($downloaded bytes downloaded)"
