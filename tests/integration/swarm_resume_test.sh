#!/usr/bin/env bash
# A fetcher killed mid-transfer continues from its resume data when restarted:
# the second run downloads less than the payload and still ends byte-identical.
source "$(dirname "$0")/swarm_common.sh"
trap 'show_logs; swarm_cleanup' EXIT

random_file aaaa 6000000
random_file bbbb 6000000
make_swarm seed f1

# 1.5 MB/s from the seed: the transfer takes about 8 s.
start_peer seed seed 127.0.5.1:7501 --timeout 90 --upload-limit 1500000
wait_for_file "$work/seed.ready" 30
start_peer fetch f1 127.0.5.2:7502 --peer 127.0.5.1:7501 --timeout 60 --progress-file "$work/f1.progress"
first_pid=$last_pid

deadline=$((SECONDS + 30))
verified=0
while ((verified < 5000000)); do
  ((SECONDS < deadline)) || fail "the first run made no progress"
  sleep 0.2
  [[ -s $work/f1.progress ]] && verified=$(jq '[.files[].verified] | add' "$work/f1.progress")
done
kill -KILL "$first_pid"
wait "$first_pid" 2>/dev/null || true
[[ $(jq -r .complete "$work/f1.progress") == false ]] || fail "the first run completed before it was killed"
[[ -s $work/f1/$torrent_name.resume ]] || fail "no resume data after the first run"
[[ $(stat -c %a "$work/f1/$torrent_name.resume") == 600 ]] || fail "resume data readable by others"

start_peer fetch f1 127.0.5.2:7502 --peer 127.0.5.1:7501 --timeout 60
wait_exit "$last_pid" 70
((exit_code == 0)) || fail "the second run did not complete (exit code $exit_code)"
same_files f1 aaaa bbbb
[[ $(result f1 .resumed) == true ]] || fail "the second run did not use the resume data"
second=$(result f1 .payload_downloaded)
((second > 0 && second < total_size - 2000000)) ||
  fail "the second run downloaded $second of $total_size bytes"
trap swarm_cleanup EXIT
echo "swarm resume: ok (verified $verified bytes before the kill, then downloaded $second of $total_size)"
