#!/usr/bin/env bash
# `shoal agent` on real processes: a libtorrent seed ($SWARM_PEER) serving the
# NARs of a real closure, agents importing into their own chroot Nix stores
# over loopback, driven through their stdin like `shoal push` drives them.
#  1. Two agents, B connected only to A: both stores get the whole closure
#     with the source's hashes (B's bytes came through A), the events come in
#     protocol order, and `finish` removes the staging directories. A, fed by
#     the seed as the deployer, holds its other peers until the seed has
#     nothing more for it.
#  2. An agent whose stdin closes mid-transfer, then one stopped by SIGTERM,
#     stop within seconds keeping staging; reruns resume from it, the last
#     one even with a different torrent over the same files, and complete;
#     after `complete` an agent lingers linger_seconds, then exits 0.
#  3. Agents report what they cannot import: a path whose reference nobody
#     provides, a NAR whose hash Nix refuses; neither path enters the store.
#  4. A malformed assignment gets an error event and exit code 1.
source "$(dirname "$0")/lib.sh"
: "${SHOAL:?}" "${SWARM_PEER:?SWARM_PEER must point to the swarm_peer program}"

show_logs() {
  local log
  for log in "$TEST_TMP"/*.log; do
    [[ -e $log ]] || continue
    echo "--- $log" >&2
    tail -n 20 "$log" >&2
  done
}
fail() {
  show_logs
  echo "FAIL: $*" >&2
  exit 1
}

nix_test_setup
cd "$TEST_TMP" || fail "cannot enter $TEST_TMP"
nix_build_test_closure result
"$SHOAL" closure --json result >closure.json
mapfile -t closure < <(jq -r '.paths[].path' closure.json)
total_size=$(jq .total_nar_bytes closure.json)

# The deployer's side: one NAR file per path, a CA, certificates, the torrent.
torrent_name=deploy-agent-test
seed_files=$TEST_TMP/seed/$torrent_name
mkdir -p "$seed_files" ca certs
for path in "${closure[@]}"; do
  nix-store --dump "$path" >"$seed_files/${path#/nix/store/}.nar"
done
"$SWARM_PEER" ca --out-dir ca --name "$torrent_name"
for host in seed a b c d e; do
  "$SWARM_PEER" issue --ca-dir ca --host "$host" --torrent-name "$torrent_name" --out-dir certs
done
"$SWARM_PEER" torrent --staging "$seed_files" --ca-dir ca --out first.torrent >/dev/null

pids=()
on_exit 'for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done; wait 2>/dev/null'

# start_seed TORRENT ADDR:PORT ARGS...: a seed of the staged files.
start_seed() {
  local torrent=$1 listen=$2
  shift 2
  rm -f seed.ready
  "$SWARM_PEER" seed --torrent "$torrent" --save-path seed --listen "$listen" --cert-dir certs \
    --host seed --ready-file seed.ready --timeout 600 "$@" >/dev/null 2>>seed.log &
  seed_pid=$!
  pids+=("$seed_pid")
  wait_until "[[ -s seed.ready ]]" 30 "the seed never became ready"
}

stop_seed() {
  kill -TERM "$seed_pid"
  wait "$seed_pid" || true
}

# wait_until CONDITION SECONDS MESSAGE
wait_until() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do
    ((SECONDS < deadline)) || fail "$3"
    sleep 0.1
  done
}

# assignment HOST PORT TORRENT: HOST's assignment for the whole closure, to
# listen on 127.0.40.<n>:PORT and stage under agents/HOST.
assignment() {
  jq -nc --arg host "$1" --arg address "$(address_of "$1")" --argjson port "$2" \
    --arg staging "$TEST_TMP/agents/$1/staging" --arg torrent "$(base64 -w0 "$3")" \
    --rawfile cert "certs/$1.crt" --rawfile key "certs/$1.key" --slurpfile closure closure.json '
    {type: "assignment", version: 3, host: $host, torrent: $torrent,
     certificate: $cert, private_key: $key, listen: {address: $address, port: $port},
     staging: $staging,
     paths: [$closure[0].paths[] | {path, file: ((.path | ltrimstr("/nix/store/")) + ".nar"),
             deriver, references, nar_size, nar_hash, ca: "", sigs}],
     relay_files: [], upload_limit: 0, download_limit: 0, peer_limit_while_fed: 0,
     linger_seconds: 60,
     keep_cache: false, low_priority: false}'
}

address_of() {
  case $1 in
  seed) echo 127.0.40.1 ;; a) echo 127.0.40.2 ;; b) echo 127.0.40.3 ;; c) echo 127.0.40.4 ;;
  d) echo 127.0.40.5 ;; e) echo 127.0.40.6 ;;
  esac
}

declare -A agent_fd agent_pid
# start_agent RUN STORE: an agent importing into the chroot store STORE, its
# stdin a fifo we hold open, its events in RUN.events, its log in RUN.log.
start_agent() {
  local run=$1 store=$2 fd
  mkfifo "$run.in"
  "$SHOAL" agent --store "$store" <"$run.in" >"$run.events" 2>>"$run.log" &
  agent_pid[$run]=$!
  pids+=($!)
  exec {fd}>"$run.in"
  agent_fd[$run]=$fd
  rm "$run.in"
}
send() { echo "$2" >&"${agent_fd[$1]}"; }
close_input() { eval "exec ${agent_fd[$1]}>&-"; }
types() { jq -r .type "$1.events"; }
has_event() { types "$1" | grep -qx "$2"; }
# last_progress RUN FIELD
last_progress() { jq -s "map(select(.type == \"progress\")) | last | .$2 // 0" "$1.events"; }
wait_event() {
  wait_until "has_event $1 $2 || ! kill -0 ${agent_pid[$1]} 2>/dev/null" "$3" \
    "$1 sent no '$2' event within $3 s"
  has_event "$1" "$2" || fail "$1 exited without a '$2' event: $(cat "$1.events")"
}
# wait_exit RUN SECONDS: sets exit_code.
wait_exit() {
  wait_until "! kill -0 ${agent_pid[$1]} 2>/dev/null" "$2" "$1 still runs after $2 s"
  exit_code=0
  wait "${agent_pid[$1]}" || exit_code=$?
}
ready_port() { jq -r 'select(.type == "ready") | .port' "$1.events"; }
# progress_after_ready RUN: the heartbeats sent after ready, as a JSON array.
progress_after_ready() {
  jq -s '. as $events | ([.[].type] | index("ready")) as $ready
    | if $ready == null then [] else [$events[$ready:][] | select(.type == "progress")] end' "$1.events"
}
# first_progress_after_ready RUN FIELD: waits for that heartbeat.
first_progress_after_ready() {
  wait_until "[[ \$(progress_after_ready $1 | jq length) != 0 ]]" 5 "$1 sent no progress after ready"
  progress_after_ready "$1" | jq ".[0].$2"
}

# check_store STORE: every path of the closure is valid there, as at the source.
check_store() {
  local path
  for path in "${closure[@]}"; do
    nix-store --store "$1" --verify-path "$path" || fail "$path is not intact in $1"
    [[ $(nix-store --store "$1" -q --hash "$path") == "$(nix-store -q --hash "$path")" ]] ||
      fail "$path has another hash in $1"
  done
}

# --- 1. re-seeding between agents -------------------------------------------
for store in store-a store-b store-c; do chroot_store_setup "$TEST_TMP/$store"; done
start_seed first.torrent 127.0.40.1:7401
start_agent a "$TEST_TMP/store-a"
start_agent b "$TEST_TMP/store-b"
# a is fed by the deployer (the seed), like the first hosts of a push:
# other peers are held to its peer_limit_while_fed until the seed has nothing more.
send a "$(assignment a 7402 first.torrent | jq -c '.peer_limit_while_fed = 1000000')"
send b "$(assignment b 7403 first.torrent)"
wait_event a ready 30
wait_event b ready 30
[[ $(ready_port a) == 7402 && $(ready_port b) == 7403 ]] || fail "ready events name other ports"
send a '{"type": "connect", "peers": [{"address": "127.0.40.1", "port": 7401}], "deployer": true}'
send b '{"type": "connect", "peers": [{"address": "127.0.40.2", "port": 7402}], "deployer": false}'
wait_event a complete 60
wait_event b complete 60
check_store "$TEST_TMP/store-a"
check_store "$TEST_TMP/store-b"
grep -qF 'other peers may send at most 1000000 bytes/s until the deployer' a.log ||
  fail "a did not hold its other peers while fed"
grep -qF 'the deployer has nothing more for this host' a.log || fail "a never released the hold"
! grep -qF 'other peers may send' b.log || fail "b, fed by no deployer, held its peers"
for run in a b; do
  # Protocol order: ready, then imports, then complete; heartbeats throughout.
  [[ $(types $run | grep -v '^progress$' | uniq | tr '\n' ' ') == "ready path-imported complete " ]] ||
    fail "$run's events are out of order: $(types $run | uniq -c)"
  [[ $(jq -r 'select(.type == "path-imported") | .path' $run.events | sort) == \
    "$(printf '%s\n' "${closure[@]}" | sort)" ]] || fail "$run did not report each path once"
done
wait_until "(( \$(last_progress a uploaded) > 0 ))" 10 "a reports no upload to b"
[[ -d agents/a/staging && -d agents/b/staging ]] || fail "staging is gone before finish"
[[ $(stat -c %a agents/a/staging) == 700 ]] || fail "staging is readable by others"
send a '{"type": "finish"}'
send b '{"type": "finish"}'
wait_exit a 10
((exit_code == 0)) || fail "a exited with $exit_code after finish"
wait_exit b 10
((exit_code == 0)) || fail "b exited with $exit_code after finish"
# With their deployment directories, which held nothing else.
[[ ! -e agents/a && ! -e agents/b ]] || fail "finish left staging behind"
stop_seed
echo "re-seeding: ok (a uploaded $(last_progress a uploaded) bytes to b)"

# --- 2. interruptions and resumes ---------------------------------------------
# 400 kB/s from the seed: the closure takes about 8 s.
start_seed first.torrent 127.0.40.1:7401 --upload-limit 400000
connect_seed='{"type": "connect", "peers": [{"address": "127.0.40.1", "port": 7401}], "deployer": false}'

start_agent c1 "$TEST_TMP/store-c"
send c1 "$(assignment c 7404 first.torrent)"
wait_event c1 ready 30
send c1 "$connect_seed"
wait_until "(( \$(last_progress c1 downloaded) >= 1000000 ))" 30 "c1 made no progress"
close_input c1
stopping=$SECONDS
wait_exit c1 5
((exit_code == 1)) || fail "c1 exited with $exit_code when its stdin closed"
echo "stdin closed: c1 stopped in $((SECONDS - stopping)) s"
! has_event c1 complete || fail "c1 completed before its stdin closed"
[[ -s agents/c/staging/$torrent_name.resume ]] || fail "c1 left no resume data"

start_agent c2 "$TEST_TMP/store-c"
send c2 "$(assignment c 7404 first.torrent)"
wait_event c2 ready 30
resumed=$(first_progress_after_ready c2 downloaded)
((resumed > 0)) || fail "c2 did not resume c1's download"
send c2 "$connect_seed"
wait_until "(( \$(last_progress c2 downloaded) >= resumed + 500000 ))" 30 "c2 made no progress"
kill -TERM "${agent_pid[c2]}"
wait_exit c2 5
((exit_code == 1)) || fail "c2 exited with $exit_code on SIGTERM"
! has_event c2 complete || fail "c2 completed before SIGTERM"
stop_seed

# Another torrent (one more file) over the same file names: the files
# already staged are checked and kept, not fetched again.
head -c 100000 /dev/urandom >"$seed_files/extra.bin"
"$SWARM_PEER" torrent --staging "$seed_files" --ca-dir ca --out second.torrent >/dev/null
start_seed second.torrent 127.0.40.1:7401 --progress-file seed.progress
start_agent c3 "$TEST_TMP/store-c"
# Linger 2 s after complete, then leave on its own, as after finish.
send c3 "$(assignment c 7404 second.torrent | jq -c '.linger_seconds = 2')"
wait_event c3 ready 30
rechecked=$(first_progress_after_ready c3 downloaded)
send c3 "$connect_seed"
wait_event c3 complete 60
check_store "$TEST_TMP/store-c"
sent=$(jq .payload_uploaded seed.progress)
((rechecked > 0 && sent < total_size - 1000000)) ||
  fail "c3 found $rechecked bytes staged and fetched $sent of $total_size"
wait_exit c3 10
((exit_code == 0)) || fail "c3 exited with $exit_code after lingering"
[[ ! -e agents/c ]] || fail "c3 left its staging behind"
echo "resume: ok ($resumed bytes resumed, $rechecked rechecked, $sent of $total_size fetched last)"

# --- 3. paths that cannot be imported ------------------------------------------
# d is not given lib, which app references and the store lacks: once
# everything else is in, d reports that app can never be imported.
lib=$(printf '%s\n' "${closure[@]}" | grep -- '-shoal-test-lib$')
app=$(printf '%s\n' "${closure[@]}" | grep -- '-shoal-test-app$')
# e is told a wrong NAR hash for note: Nix refuses the import.
note=$(printf '%s\n' "${closure[@]}" | grep -- '-shoal-test-note$')
wrong_hash=$(jq -r --arg lib "$lib" '.paths[] | select(.path == $lib) | .nar_hash' closure.json)
for store in store-d store-e; do chroot_store_setup "$TEST_TMP/$store"; done
start_agent d "$TEST_TMP/store-d"
send d "$(assignment d 7405 second.torrent | jq -c --arg lib "$lib" 'del(.paths[] | select(.path == $lib))')"
start_agent e "$TEST_TMP/store-e"
send e "$(assignment e 7406 second.torrent |
  jq -c --arg note "$note" --arg hash "$wrong_hash" '(.paths[] | select(.path == $note) | .nar_hash) = $hash')"
for run in d e; do
  wait_event $run ready 30
  send $run "$connect_seed"
  wait_event $run error 60
  wait_exit $run 10
  ((exit_code == 1)) || fail "$run exited with $exit_code after an error"
done
jq -r 'select(.type == "error") | .message' d.events |
  grep -qF "can never be imported: $app (needs $lib)" || fail "d's error: $(cat d.events)"
! nix-store --store "$TEST_TMP/store-d" --check-validity "$app" 2>/dev/null || fail "d imported $app"
# (Imports are sent one ahead of their replies: if nix-store hung up while the
# next was sent, the message names note first, then the next.)
jq -r 'select(.type == "error") | .message' e.events | grep -q "importing $note[ :].*hash mismatch" ||
  fail "e's error: $(cat e.events)"
! nix-store --store "$TEST_TMP/store-e" --check-validity "$note" 2>/dev/null || fail "e imported $note"
[[ -d agents/d/staging && -d agents/e/staging ]] || fail "an agent that failed removed its staging"
stop_seed
echo "unimportable paths: ok"
jq -r 'select(.type == "error") | "  d: \(.message)"' d.events
jq -r 'select(.type == "error") | "  e: \(.message)"' e.events

# --- 4. a malformed assignment ------------------------------------------------
assignment a 7402 first.torrent | jq -c '.paths[2].nar_size = "big"' >bad.json
exit_code=0
"$SHOAL" agent --store "$TEST_TMP/store-bad" <bad.json >bad.events 2>>bad.log || exit_code=$?
((exit_code == 1)) || fail "a malformed assignment gave exit code $exit_code"
[[ $(jq -r .type bad.events) == error ]] || fail "no error event: $(cat bad.events)"
jq -r .message bad.events | grep -qF "field 'paths[2].nar_size' must be a non-negative integer" ||
  fail "the error does not name the field: $(cat bad.events)"
[[ ! -e store-bad && ! -e agents/a/staging ]] || fail "a malformed assignment touched the disk"
# stdout carried protocol lines only, in every run.
for events in *.events; do
  jq -se 'all(type == "object" and
    (.type | IN("ready", "progress", "path-imported", "complete", "error")))' "$events" >/dev/null ||
    fail "$events holds something else than events"
done
echo "agent: ok"
