# Test fleet helpers for integration tests; source this file (needs root).
#
#   fleet_start N [bandwidth [fleet-up options...]]
#                               builds an N-host fleet with a unique name, tears it
#                               down on EXIT, and sources its fleet.env (FLEET_*).
#   in_deployer CMD...          runs CMD in the fleet's deployer namespace.
#   on_host N CMD...            runs CMD on fleet host N over SSH (from the bastion
#                               with fleet-up --bastion: the deployer cannot reach it).
#   assert_has_closure N PATHS  fails unless host N has PATHS intact.
#   run_shoal OUT ARGS...       runs shoal ARGS as the deployer: stdout (JSON events
#                               with --json) to OUT.json, stderr to OUT.txt, exit code in rc.
#   host_event FILE TYPE HOST   the JSON events of TYPE about HOST in FILE.
#   deployer_tx                 bytes the deployer's link has sent so far.
#   netns_commands NAMESPACE    "PID COMMAND LINE" of each process in NAMESPACE.
#   pids_running NAMESPACE TEXT the pids there whose command line has TEXT.
#
# A test that needs its own EXIT work adds it with fleet_on_exit 'command'.

# One EXIT trap for the whole test: lib.sh's, shared with the Nix helpers.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fleet_scripts=$SHOAL_SOURCE_DIR/scripts

fleet_on_exit() {
  on_exit "$1"
}

fleet_start() {
  local hosts=$1 bandwidth=${2:-} name
  shift $(($# < 2 ? $# : 2))
  # Short and unique: the test's process id plus a counter.
  name=st$$-${#test_exit_commands[@]}
  fleet_on_exit "'$fleet_scripts/fleet-down' --name '$name' --dir '${TMPDIR:-/tmp}/shoal-fleet-$name'"
  "$fleet_scripts/fleet-up" --name "$name" --hosts "$hosts" ${bandwidth:+--bandwidth "$bandwidth"} \
    --dir "${TMPDIR:-/tmp}/shoal-fleet-$name" "$@" >&2
  # shellcheck disable=SC1090
  source "${TMPDIR:-/tmp}/shoal-fleet-$name/fleet.env"
}

in_deployer() {
  ip netns exec "$FLEET_DEPLOYER_NS" "$@"
}

# on_host N COMMAND...: runs COMMAND on fleet host N (1-based) over SSH.
on_host() {
  local n=$1 addresses
  shift
  read -ra addresses <<<"$FLEET_ADDRESSES"
  # shellcheck disable=SC2086
  ip netns exec "${FLEET_BASTION_NS:-$FLEET_DEPLOYER_NS}" \
    ssh $FLEET_SSH_OPTIONS "root@${addresses[n - 1]}" "$@"
}

# assert_has_closure N PATHS: every path is valid on host N, its contents
# verify, and its NAR hash is the deployer's. One SSH round trip per check.
assert_has_closure() {
  local n=$1 paths
  paths=$(tr '\n' ' ' <<<"$2")
  # shellcheck disable=SC2086
  on_host "$n" nix-store --verify-path $paths || fail "h$n: the closure does not verify"
  # shellcheck disable=SC2086
  [[ $(on_host "$n" nix-store -q --hash $paths) == "$(nix-store -q --hash $paths)" ]] ||
    fail "h$n: NAR hashes differ from the source's"
}

# shellcheck disable=SC2034 # rc is for the caller
run_shoal() {
  local out=$1
  shift
  set +e
  in_deployer "$SHOAL" "$@" >"$out.json" 2>"$out.txt"
  rc=$?
  set -e
}

host_event() {
  jq -c "select(.event == \"$2\" and .host == \"$3\")" "$1"
}

deployer_tx() {
  in_deployer cat /sys/class/net/eth0/statistics/tx_bytes
}

# Builtins only, arguments joined by spaces: tests look for processes while a
# push loads the machine, where `ip netns pids` and a fork per process took a
# second per host, and the push was over before the fault it was to meet.
netns_commands() {
  local dir args
  for dir in /proc/[0-9]*; do
    [[ $dir/ns/net -ef /run/netns/$1 ]] || continue
    # A process may end between the listing and the read.
    { mapfile -d '' args <"$dir/cmdline"; } 2>/dev/null || continue
    ((${#args[@]} > 0)) && echo "${dir#/proc/} ${args[*]}"
  done
  return 0
}

pids_running() {
  local pid command
  while read -r pid command; do
    if [[ " $command" == *"$2"* ]]; then
      echo "$pid"
    fi
  done < <(netns_commands "$1")
}
