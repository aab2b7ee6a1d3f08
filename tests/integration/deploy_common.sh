# shellcheck shell=bash
# Shared by the deploy_*.sh tests (`shoal push --profile/--activate/...` and
# `shoal rollback` on a namespace fleet). Sources fleet.sh (and with it lib.sh).
#
#   nix_build_test_system OUT_LINK [nix-build args...]
#                             builds test_system.nix with a new nonce (e.g.
#                             --argstr label two --arg healthy false), OUT_LINK
#                             pointing at its top; deletes its paths on exit.
#   write_inventory FILE [DEFAULTS]
#                             an inventory of fleet hosts from lines "hN [ITEMS]" on
#                             stdin: host hN at the fleet's N-th address, ITEMS and
#                             DEFAULTS being YAML flow-mapping items such as
#                             'closure: /nix/store/..., tags: [canary]'.
#   push_direct RUN ARGS...   `shoal push --json --direct ARGS` with fleet.sh's
#                             run_shoal: events to RUN.json, text to RUN.txt, exit
#                             code in $rc.
#   expect_rc RUN CODE        fails unless RUN exited CODE.
#   expect RUN JQ MESSAGE     fails with MESSAGE unless JQ (over the array of RUN's
#                             events, jq -s) is true.
#   event RUN TYPE HOST       HOST's TYPE events in RUN, one per line.
#   host_state N PROFILE      reads host N's generations of PROFILE (name or path,
#                             as `nix-env --list-generations` lists them), the
#                             current one, each one's path and the marker in one
#                             SSH round trip (state_* variables).
#   generations N PROFILE     host N's generation numbers of PROFILE, on one line.
#   current_generation N PROFILE, generation_path N PROFILE GEN, marker N,
#   activations N             what host N says (marker: the store path its last
#                             activation recorded; activations: every activation
#                             "PATH LABEL SHOAL_CLOSURE SHOAL_PROFILE SHOAL_GENERATION").
#   assert_host N PROFILE GENERATIONS CURRENT PATH
#                             host N's PROFILE has exactly GENERATIONS ("1 2"), the
#                             current one is CURRENT and points at PATH, and PATH's
#                             activation wrote the marker last.
#   assert_events_match_hosts RUN PROFILE
#                             every host-profile-set event of RUN agrees with the
#                             host's generations (and rollbacks with what remains).
#   gc_loop_start N, gc_loop_stop N
#                             `nix-store --gc` over and over on host N; gc_loop_stop
#                             waits for it and prints how many collections ran.
#   shoal_pids                the shoal processes running in the deployer namespace.

source "$(dirname "${BASH_SOURCE[0]}")/fleet.sh"
: "${SHOAL:?}"

# The activation and health check commands of test_system.nix, for the tests.
# shellcheck disable=SC2034
{
  ACTIVATE='{closure}/bin/activate'
  CHECK='{closure}/bin/check'
}
MARKER_DIR=/nix/var/shoal-test

nix_build_test_system() {
  local out_link=$1 nonce paths
  shift
  nonce=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
  nix-build --quiet "$SHOAL_SOURCE_DIR/tests/integration/test_system.nix" \
    --argstr nonce "$nonce" "$@" -o "$out_link" >/dev/null
  paths=$(nix-store -qR "$out_link" | tr '\n' ' ')
  on_exit "rm -f '$(realpath -s "$out_link")'; nix_delete_paths $paths"
}

write_inventory() {
  local file=$1 defaults=${2:-} name items addresses
  read -ra addresses <<<"$FLEET_ADDRESSES"
  {
    echo "defaults: {user: root, identity: $FLEET_IDENTITY, known_hosts: $FLEET_KNOWN_HOSTS${defaults:+, $defaults}}"
    echo "hosts:"
    while read -r name items; do
      [[ $name =~ ^h([0-9]+)$ ]] || fail "write_inventory: bad host line '$name $items'"
      echo "  $name: {address: ${addresses[BASH_REMATCH[1] - 1]}${items:+, $items}}"
    done
  } >"$file"
}

push_direct() {
  local run=$1
  shift
  run_shoal "$run" push --json --direct "$@"
}

expect_rc() {
  ((rc == $2)) || fail "$1 exited $rc, expected $2: $(cat "$1.txt")"
}
expect() {
  jq -s -e "$2" "$1.json" >/dev/null || fail "$1: $3; events: $(grep -v '"progress"' "$1.json"); text: $(cat "$1.txt")"
}
event() {
  jq -c "select(.event == \"$2\" and .host == \"$3\")" "$1.json"
}

profile_path() {
  if [[ $1 == */* ]]; then echo "$1"; else echo "/nix/var/nix/profiles/$1"; fi
}
# host_state N PROFILE: what host N says about PROFILE and its marker, in one
# SSH round trip: sets state_gens ("1 2"), state_current, state_target (the
# store path the profile resolves to), state_marker and state_links[GEN]=PATH.
host_state() {
  local n=$1 profile out line key value
  profile=$(profile_path "$2")
  state_gens="" state_current="" state_target="" state_marker=""
  state_links=()
  out=$(on_host "$n" sh -s -- "$profile" "$MARKER_DIR" <<'SCRIPT'
p=$1
g=$(nix-env -p "$p" --list-generations 2>/dev/null)
printf 'gens: %s\n' "$(printf '%s\n' "$g" | awk 'NF {print $1}' | paste -sd' ' -)"
printf 'current: %s\n' "$(printf '%s\n' "$g" | awk '/\(current\)/ {print $1}')"
printf 'target: %s\n' "$(readlink -e "$p" 2>/dev/null)"
printf 'marker: %s\n' "$(cut -d' ' -f1 "$2/marker" 2>/dev/null)"
for l in "$p"-*-link; do
  [ -L "$l" ] || continue
  k=${l#"$p"-}
  printf 'link: %s %s\n' "${k%-link}" "$(readlink "$l")"
done
SCRIPT
  ) || fail "h$n: cannot read the state of $profile"
  while IFS= read -r line; do
    key=${line%%:*} value=${line#*: }
    case $key in
      gens) state_gens=$value ;;
      current) state_current=$value ;;
      target) state_target=$value ;;
      marker) state_marker=$value ;;
      link) state_links[${value%% *}]=${value#* } ;;
    esac
  done <<<"$out"
}
generations() { host_state "$1" "$2" && echo "$state_gens"; }
current_generation() { host_state "$1" "$2" && echo "$state_current"; }
generation_path() { host_state "$1" "$2" && echo "${state_links[$3]:-}"; }
marker() {
  on_host "$1" "cut -d' ' -f1 $MARKER_DIR/marker 2>/dev/null || true"
}
activations() {
  on_host "$1" "cat $MARKER_DIR/activations 2>/dev/null || true"
}

assert_host() {
  local n=$1 profile=$2 gens=$3 current=$4 path=$5
  host_state "$n" "$profile"
  [[ $state_gens == "$gens" ]] || fail "h$n: generations of $profile are '$state_gens', expected '$gens'"
  [[ $state_current == "$current" ]] ||
    fail "h$n: the current generation of $profile is '$state_current', expected $current"
  [[ ${state_links[$current]:-} == "$path" ]] ||
    fail "h$n: generation $current of $profile is '${state_links[$current]:-}', expected $path"
  [[ $state_target == "$path" ]] || fail "h$n: $profile points at '$state_target', expected $path"
  [[ $state_marker == "$path" ]] ||
    fail "h$n: the marker names '$state_marker', expected $path (last activations: $(activations "$n" | tail -n 3))"
}

assert_events_match_hosts() {
  local run=$1 profile=$2 line host n gen path created back back_gen
  profile=$(profile_path "$profile")
  while read -r line; do
    host=$(jq -r .host <<<"$line")
    n=${host#h}
    gen=$(jq -r .generation <<<"$line")
    path=$(jq -r .path <<<"$line")
    created=$(jq -r .created <<<"$line")
    [[ $(jq -r .profile <<<"$line") == "$profile" ]] || fail "$run: $host's profile is not $profile: $line"
    back=$(event "$run" host-rolled-back "$host")
    host_state "$n" "$profile"
    if [[ -z $back ]]; then
      [[ $state_current == "$gen" ]] ||
        fail "$run: $host's current generation is $state_current, not the reported $gen: $line"
      [[ ${state_links[$gen]:-} == "$path" ]] ||
        fail "$run: $host's generation $gen is '${state_links[$gen]:-}', not $path: $line"
    else
      back_gen=$(jq -r .generation <<<"$back")
      if [[ $back_gen == null ]]; then
        [[ -z $state_current ]] || fail "$run: $host rolled back to no generation, but $state_current is current: $back"
      else
        [[ $state_current == "$back_gen" ]] ||
          fail "$run: $host's current generation is $state_current, not $back_gen it rolled back to: $back"
      fi
      if [[ $created == true && " $state_gens " == *" $gen "* ]]; then
        fail "$run: $host rolled back, but its new generation $gen is still listed: $state_gens"
      fi
    fi
  done < <(jq -c 'select(.event == "host-profile-set")' "$run.json")
}

gc_loop_start() {
  local n=$1
  rm -f "$TEST_TMP/gc-stop-$n" "$TEST_TMP/gc-count-$n"
  # /tmp is shared by every host and this script: the stop file and the count
  # live there. At most 2000 collections, in case the stop file never comes.
  on_host "$n" "for i in \$(seq 2000); do [ -e $TEST_TMP/gc-stop-$n ] && break;
    nix-store --gc >/dev/null 2>&1; echo >>$TEST_TMP/gc-count-$n; done" &
  gc_loop_pid=$!
  on_exit "touch '$TEST_TMP/gc-stop-$n' 2>/dev/null; kill $gc_loop_pid 2>/dev/null || true"
  wait_for 30 test -s "$TEST_TMP/gc-count-$n" || fail "h$n: the GC loop does not run"
}
gc_loop_stop() {
  local n=$1
  touch "$TEST_TMP/gc-stop-$n"
  wait "$gc_loop_pid" || true
  wc -l <"$TEST_TMP/gc-count-$n"
}
gc_count() { wc -l <"$TEST_TMP/gc-count-$1"; }

shoal_pids() {
  local pid
  while read -r pid _; do
    [[ /proc/$pid/exe -ef $SHOAL ]] && echo "$pid"
  done < <(netns_commands "$FLEET_DEPLOYER_NS")
  return 0
}

# one_event RUN TYPE HOST: HOST's only TYPE event in RUN (fails unless exactly one).
one_event() {
  local found
  found=$(event "$@")
  [[ -n $found && $(wc -l <<<"$found") == 1 ]] ||
    fail "$1: expected one $2 event for $3, got: '${found}'; text: $(cat "$1.txt")"
  echo "$found"
}
# expect_event RUN TYPE HOST JQ: HOST's only TYPE event in RUN satisfies JQ.
expect_event() {
  local found
  found=$(one_event "$1" "$2" "$3")
  jq -e "$4" <<<"$found" >/dev/null || fail "$1: $3's $2 event is $found, expected $4"
}
# expect_profile_set RUN HOST PROFILE PATH GENERATION PREVIOUS CREATED
expect_profile_set() {
  expect_event "$1" host-profile-set "$2" ".profile == \"$(profile_path "$3")\" and .path == \"$4\" and
    .generation == $5 and .previous_generation == $6 and .created == $7"
}
# expect_summary RUN JQ: the last event is the summary and satisfies JQ.
expect_summary() {
  local last
  last=$(tail -n 1 "$1.json")
  jq -e ".event == \"summary\" and ($2)" <<<"$last" >/dev/null ||
    fail "$1: the summary is $last, expected $2; text: $(cat "$1.txt")"
}
# failed_hosts RUN: the sorted names in the summary's failed_hosts.
failed_hosts() {
  tail -n 1 "$1.json" | jq -r '.failed_hosts[].host' | sort | paste -sd' '
}
# in_order RUN JQ...: RUN has events matching each JQ, the first match of each
# after the first match of the one before.
in_order() {
  local run=$1 previous=-1 index
  shift
  for filter in "$@"; do
    index=$(jq -s "[to_entries[] | select(.value | $filter) | .key] | first // -1" "$run.json")
    ((index >= 0)) || fail "$run: no event matches $filter"
    ((index > previous)) || fail "$run: the event matching $filter comes too early (events: $(cat "$run.json"))"
    previous=$index
  done
}
