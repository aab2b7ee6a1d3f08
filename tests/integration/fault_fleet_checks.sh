# shellcheck shell=bash
# Fault injection and end-of-test checks for the fault_*_test.sh scripts;
# source it after fleet.sh (and after fleet_start for the functions to work).
#
#   in_host_mounts N CMD...   runs CMD (on this machine, as root) in host N's mount
#                             namespace: its own /nix and whatever is mounted there.
#   shrink_dir N DIR SIZE     mounts an empty SIZE tmpfs (e.g. 24m) on DIR, for host N
#                             alone: its sessions and agents see a small file system.
#   timed_push OUT ARGS...    `shoal push --json ARGS` from the deployer, bounded by 150 s:
#                             events to OUT.json, text to OUT.txt, exit code in $push_rc,
#                             seconds taken in $push_seconds.
#   event OUT TYPE HOST       that host's events of that type in OUT.json.
#   assert_fleet_sound        on every host: `nix-store --verify --check-contents` reports
#                             nothing, every valid path's references are valid, and no
#                             shoal process is left (within 15 s).

# host_sshd_pid N: the sshd whose namespaces host N's sessions inherit.
host_sshd_pid() {
  cat "$FLEET_DIR/hosts/h$1/sshd.pid"
}

in_host_mounts() {
  local n=$1
  shift
  nsenter -t "$(host_sshd_pid "$n")" -m "$@"
}

shrink_dir() {
  local n=$1 dir=$2 size=$3
  mkdir -p "$dir"
  in_host_mounts "$n" mount -t tmpfs -o "size=$size,mode=0755" "shoal-test-small" "$dir"
}

# shellcheck disable=SC2034 # push_rc and push_seconds are for the caller
timed_push() {
  local out=$1 start=$SECONDS
  shift
  push_rc=0
  timeout 150 ip netns exec "$FLEET_DEPLOYER_NS" "$SHOAL" push --json "$@" >"$out.json" \
    2>"$out.txt" || push_rc=$?
  push_seconds=$((SECONDS - start))
  ((push_rc != 124)) || fail "the push ($out) still ran after 150 s: $(tail -n 20 "$out.txt")"
}

event() {
  jq -c "select(.event == \"$2\" and .host == \"$3\")" "$1.json"
}

# The store's own check, quiet when all is well, then the references of
# every valid path: a path registered before what it refers to would pass
# the first and fail the second. Runs on the host: nothing expands here.
# shellcheck disable=SC2016
store_check_script='out=$(nix-store --verify --check-contents 2>&1) || { echo "$out"; exit 1; }
out=$(printf "%s\n" "$out" | grep -Ev "^(reading the Nix store|checking [a-z ]+)\.\.\.$") || true
[ -z "$out" ] || { echo "$out"; exit 1; }
nix path-info --all | xargs -r nix-store -q --references | sort -u |
  xargs -r nix-store --check-validity'

shoal_processes() { # host N: pids of shoal processes in its network namespace
  pids_running "$FLEET_NAME-h$1" "$SHOAL"
}

no_shoal_left() {
  local n
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    [[ -z $(shoal_processes "$n") ]] || return 1
  done
}

assert_fleet_sound() {
  local n problems
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    problems=$(on_host "$n" "$store_check_script" 2>&1) ||
      fail "h$n: its store does not check out: $problems"
  done
  wait_for 15 no_shoal_left || fail "shoal processes left on the hosts: $(
    for ((n = 1; n <= FLEET_HOSTS; n++)); do shoal_processes "$n"; done | xargs -r ps -o pid,args -p
  )"
}
