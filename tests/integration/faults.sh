# shellcheck shell=bash
# Shared by the fault_*_test.sh scripts: a swarm push on a namespace fleet
# with faults injected into it (killed, hung or cut-off agents, an interrupted
# or killed deployer). Sources fleet.sh (and with it lib.sh).
#
#   fault_setup HOSTS BANDWIDTH BIG_MIB
#                             the fleet, $TEST_TMP as the working directory, and
#                             fault_closure result BIG_MIB.
#   fault_closure NAME BIG_MIB
#                             builds a test closure (./NAME) and makes it the one
#                             swarm_push pushes ($push_path): its paths in $closure
#                             (sorted), its NAR bytes in $closure_bytes, each path's
#                             NAR size in nar_size[PATH].
#   host_name N               the inventory's name of host N ($FLEET_NAME-hN).
#   swarm_push RUN ARGS...    `shoal push --json` of $push_path to the whole fleet in
#                             the background (events RUN.json, text RUN.txt); sets
#                             push_pid (the job, not shoal itself).
#   wait_push SECONDS         waits up to SECONDS for that push to end and sets
#                             push_status to how shoal push ended: "exit N" or
#                             "signal N"; returns 1 if it still runs.
#   deployer_shoal_pids       the shoal processes in the deployer namespace.
#   host_shoal_pids N         the shoal processes on host N (in its namespace).
#   agent_pid N               the pid of host N's `shoal agent` (one, or fails).
#   fleet_shoal_pids          "hN:PID" for every shoal process on any host.
#   wait_no_agents SECONDS    fails unless no shoal process runs on any host within
#                             SECONDS; prints how long that took.
#   since EPOCHREALTIME       seconds since then, to 0.1 s.
#   clean_events RUN          drops a cut-off last line (the push was killed).
#   events RUN JQ             the events of RUN that match JQ, one per line.
#   host_events RUN HOST      HOST's events of RUN, one per line (their names).
#   host_progress RUN HOST    HOST's last "downloaded wanted" in RUN's progress events.
#   host_rx N                 bytes host N has received on its link so far.
#   invalid_paths N           the closure paths host N lacks, sorted, one per line.
#   diff_of RUN HOST          the missing_paths of HOST's host-diff in RUN, sorted.
#   bytes_of PATHS...         the sum of their NAR sizes.
#   verify_stores             `nix-store --verify --check-contents` reports nothing on
#                             any host.
#   check MESSAGE CMD...      records MESSAGE as a failure unless CMD succeeds, and
#                             goes on; fault_finish fails the test if any was
#                             recorded (so one run shows every broken promise).

source "$(dirname "${BASH_SOURCE[0]}")/fleet.sh"
: "${SHOAL:?}"

fault_failures=()

check() {
  local message=$1
  shift
  if ! "$@"; then
    echo "FAILED CHECK: $message" >&2
    fault_failures+=("$message")
  fi
}

fault_finish() {
  local name=$1 f
  if ((${#fault_failures[@]} > 0)); then
    echo "$name: ${#fault_failures[@]} check(s) failed:" >&2
    for f in "${fault_failures[@]}"; do
      echo "  - $f" >&2
    done
    exit 1
  fi
  echo "$name: ok"
}

declare -A nar_size=()

fault_setup() {
  nix_test_setup
  fleet_start "$1" "$2"
  cd "$TEST_TMP"
  # FAULT_KEEP=DIR keeps each run's events and text there, for a post-mortem.
  [[ -z ${FAULT_KEEP:-} ]] || on_exit "mkdir -p '$FAULT_KEEP'; cp -f '$TEST_TMP'/*.json '$TEST_TMP'/*.txt '$FAULT_KEEP'/ 2>/dev/null"
  push_pid=""
  # shellcheck disable=SC2016 # expanded when the test exits
  on_exit '[[ -z $push_pid ]] || kill "$push_pid" 2>/dev/null || true'
  # Whatever a failed test leaves running: hung (stopped) agents first get
  # SIGCONT so that they notice their closed channel, then everything goes.
  # shellcheck disable=SC2016 # expanded when the test exits
  on_exit 'for p in $(fleet_shoal_pids) $(deployer_shoal_pids); do kill -CONT "${p#*:}" 2>/dev/null; kill -KILL "${p#*:}" 2>/dev/null; done; true'
  fault_closure result "$3"
}

fault_closure() {
  local name=$1 path size
  NIX_TEST_BIG_MIB=$2 nix_build_test_closure "$name"
  push_path=$TEST_TMP/$name
  closure=$(nix-store -qR "$name" | sort)
  closure_bytes=0
  while read -r path size; do
    nar_size[$path]=$size
    closure_bytes=$((closure_bytes + size))
  done < <(xargs nix path-info --size <<<"$closure")
}

host_name() { echo "$FLEET_NAME-h$1"; }

# A shell cannot tell `exit 130` from death by SIGINT: this perl does, and
# writes "exit N" or "signal N" to $FAULT_STATUS. A background job starts
# with SIGINT ignored, which shoal, like any program, keeps: the wrapper
# restores it, as for a push in a terminal that gets Ctrl-C.
# shellcheck disable=SC2016 # perl code
fault_status_wrapper='$SIG{INT} = "DEFAULT"; system { $ARGV[0] } @ARGV; my $s = $?;
  open(my $f, ">", $ENV{FAULT_STATUS}) or die "$ENV{FAULT_STATUS}: $!";
  if ($s == -1) { print $f "error $!\n"; exit 127 }
  if ($s & 127) { print $f "signal ", $s & 127, "\n"; exit 128 + ($s & 127) }
  print $f "exit ", $s >> 8, "\n"; exit $s >> 8'

swarm_push() {
  local run=$1
  shift
  push_status_file=$TEST_TMP/$run.status
  rm -f "$push_status_file"
  FAULT_STATUS=$push_status_file in_deployer perl -e "$fault_status_wrapper" \
    "$SHOAL" push -i "$FLEET_INVENTORY" --json \
    --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" \
    "$@" "$push_path" >"$run.json" 2>"$run.txt" &
  push_pid=$!
}

wait_push() {
  local deadline=$((SECONDS + $1))
  while kill -0 "$push_pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
  wait "$push_pid" || true
  push_pid=""
  # shellcheck disable=SC2034 # for the tests
  push_status=$(cat "$push_status_file" 2>/dev/null || echo "no status")
}

# shoal_in NAMESPACE: "PID" of each shoal process there: its program is
# $SHOAL (or any `shoal`), not an sshd or shell whose arguments mention it.
shoal_in() {
  local pid program rest
  while read -r pid program rest; do
    if [[ $program == "$SHOAL" || ${program##*/} == shoal ]]; then
      echo "$pid"
    fi
  done < <(netns_commands "$1")
}
deployer_shoal_pids() { shoal_in "$FLEET_DEPLOYER_NS"; }
host_shoal_pids() { shoal_in "$FLEET_NAME-h$1"; }

agent_pid() {
  local pids
  pids=$(host_shoal_pids "$1")
  [[ -n $pids && $(wc -l <<<"$pids") == 1 ]] || fail "expected one shoal agent on h$1, found: '$pids'"
  grep -q ' agent' <<<"$(tr '\0' ' ' <"/proc/$pids/cmdline")" || fail "h$1's shoal process $pids is not an agent"
  echo "$pids"
}

fleet_shoal_pids() {
  local n pid
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    for pid in $(host_shoal_pids "$n"); do
      echo "h$n:$pid"
    done
  done
}

no_shoal_on_hosts() { [[ -z $(fleet_shoal_pids) ]]; }

wait_no_agents() {
  local start=$EPOCHREALTIME
  if ! wait_for "$1" no_shoal_on_hosts; then
    echo "shoal processes still on the hosts after $1 s: $(fleet_shoal_pids)" >&2
    return 1
  fi
  echo "no shoal process on any host $(since "$start") s later" >&2
}

# since EPOCHREALTIME: the seconds passed since then, to 0.1 s.
since() {
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

clean_events() {
  { jq -c . "$1.json" 2>/dev/null || true; } >"$1.clean"
  mv "$1.clean" "$1.json"
}

events() { jq -c "select($2)" "$1.json"; }

host_events() {
  jq -r --arg h "$2" 'select(.host == $h) | .event' "$1.json" | tr '\n' ' '
}

host_progress() {
  jq -r --arg h "$2" 'select(.event == "progress") | .hosts[] | select(.host == $h) |
    "\(.downloaded) \(.wanted)"' "$1.json" | tail -n 1
}

host_rx() {
  ip netns exec "$FLEET_NAME-h$1" cat /sys/class/net/eth0/statistics/rx_bytes
}

invalid_paths() {
  # shellcheck disable=SC2086
  on_host "$1" nix-store --check-validity --print-invalid $closure | sort
}

diff_of() {
  jq -r --arg h "$2" 'select(.event == "host-diff" and .host == $h) | .missing_paths[]' "$1.json" | sort
}

bytes_of() {
  local path total=0
  for path in "$@"; do
    total=$((total + nar_size[$path]))
  done
  echo "$total"
}

verify_stores() {
  local n out ok=0
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    out=$(on_host "$n" nix-store --verify --check-contents 2>&1) || {
      echo "h$n: nix-store --verify --check-contents failed: $out" >&2
      ok=1
      continue
    }
    # Nix 2.8 always names its four steps; anything else is a finding.
    out=$(grep -vxE 'reading the Nix store\.\.\.|checking path existence\.\.\.|checking (link|store) hashes\.\.\.' <<<"$out" || true)
    if [[ -n $out ]]; then
      echo "h$n: nix-store --verify --check-contents reported: $out" >&2
      ok=1
    fi
  done
  return $ok
}
