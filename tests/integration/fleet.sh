# Test fleet helpers for integration tests; source this file (needs root).
#
#   fleet_start N [bandwidth [fleet-up options...]]
#                               builds an N-host fleet with a unique name, tears it
#                               down on EXIT, and sources its fleet.env (FLEET_*).
#   in_deployer CMD...          runs CMD in the fleet's deployer namespace.
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
