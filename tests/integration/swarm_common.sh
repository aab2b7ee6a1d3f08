# Shared by the swarm_*.sh tests: real libtorrent peers (the swarm_peer
# program, $SWARM_PEER) in separate processes on loopback addresses, a
# per-test CA and torrent, and cleanup of every process and file on exit.
# Each test uses its own 127.0.N.x addresses, so tests may run side by side.

# lib.sh: strict mode, fail, and the one EXIT trap (also run on INT/TERM).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${SWARM_PEER:?SWARM_PEER must point to the swarm_peer program}"

work=$(mktemp -d)
peer_pids=()
swarm_cleanup() {
  local pid
  for pid in "${peer_pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
on_exit swarm_cleanup

torrent_name=deployment1
ca_dir=$work/ca
certs=$work/certs
staging=$work/seed/$torrent_name
torrent=$work/$torrent_name.torrent
mkdir -p "$ca_dir" "$certs" "$staging"

# random_file NAME BYTES: a staged NAR stand-in of random content.
random_file() { head -c "$2" /dev/urandom >"$staging/$1"; }

# make_swarm HOST...: the CA, one certificate per host and the torrent over
# the staged files.
make_swarm() {
  local host
  "$SWARM_PEER" ca --out-dir "$ca_dir" --name "$torrent_name"
  for host in "$@"; do
    "$SWARM_PEER" issue --ca-dir "$ca_dir" --host "$host" --torrent-name "$torrent_name" --out-dir "$certs"
  done
  "$SWARM_PEER" torrent --staging "$staging" --ca-dir "$ca_dir" --out "$torrent" >"$work/torrent.json"
  total_size=$(jq -r .total_size "$work/torrent.json")
}

# start_peer MODE HOST ADDR:PORT ARGS...: runs a peer in the background with
# its own save path ($work/HOST, except the seed's), logs in $work/HOST.log.
start_peer() {
  local mode=$1 host=$2 listen=$3 save=$work/$2
  shift 3
  [[ $host == seed ]] && save=$work/seed
  mkdir -p "$save"
  "$SWARM_PEER" "$mode" --torrent "$torrent" --save-path "$save" --listen "$listen" \
    --cert-dir "$certs" --host "$host" --ready-file "$work/$host.ready" \
    --result "$work/$host.json" "$@" >"$work/$host.out" 2>>"$work/$host.log" &
  peer_pids+=($!)
  last_pid=$!
}

# wait_for_file FILE SECONDS: fails the test if FILE does not appear in time.
wait_for_file() {
  local deadline=$((SECONDS + $2))
  while [[ ! -s $1 ]]; do
    ((SECONDS < deadline)) || fail "$1 did not appear within $2 s"
    sleep 0.1
  done
}

# wait_exit PID SECONDS: sets exit_code to the peer's exit code; fails the
# test if the peer runs longer.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "process $pid still running after $2 s"
    sleep 0.1
  done
  exit_code=0
  wait "$pid" || exit_code=$?
}

# result HOST FILTER: a jq query on the status HOST wrote.
result() { jq -r "$2" "$work/$1.json"; }

# same_files HOST NAME...: HOST's copies are byte-identical to the staged files.
same_files() {
  local host=$1 name
  shift
  for name in "$@"; do
    [[ -f $work/$host/$torrent_name/$name ]] || fail "$host lacks $name"
    [[ $(sha256sum <"$work/$host/$torrent_name/$name") == $(sha256sum <"$staging/$name") ]] ||
      fail "$host's $name differs from the seed's"
  done
}

# holds_nothing HOST NAME...: HOST has no byte of these files (absent or all zeros).
holds_nothing() {
  local host=$1 name file
  shift
  for name in "$@"; do
    file=$work/$host/$torrent_name/$name
    [[ ! -e $file ]] || [[ -z $(tr -d '\0' <"$file" | head -c 1) ]] || fail "$host holds data of $name"
  done
}

# intruder_got_nothing HOST PID EXIT_CODE NAME...: the intruder HOST, running
# as PID, ends with EXIT_CODE within 30 s, having received no payload, verified
# nothing and holding no byte of the named files.
intruder_got_nothing() {
  local host=$1 pid=$2 expected=$3
  shift 3
  wait_exit "$pid" 30
  ((exit_code == expected)) || fail "$host exited with code $exit_code, not $expected"
  [[ $(result "$host" .payload_downloaded) == 0 ]] || fail "$host received payload"
  [[ $(result "$host" .verified) == 0 ]] || fail "$host has verified data"
  holds_nothing "$host" "$@"
}

show_logs() {
  local log
  for log in "$work"/*.log; do
    echo "--- $log" >&2
    tail -n 30 "$log" >&2
  done
}
