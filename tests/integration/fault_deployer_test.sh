#!/usr/bin/env bash
# The deployer goes away in the middle of a swarm push to a 6-host fleet at
# 20 Mbit/s, once the swarm has moved 40% of the bytes, and a rerun resumes:
#   1. SIGINT to `shoal push` (its own process in the deployer namespace): it
#      exits 130 with a summary as its last event, and every agent stops
#      within a few seconds;
#   2. SIGKILL to `shoal push`, with another closure: its SSH connections
#      close, and every agent notices that and exits within a few seconds.
# After each, a rerun of the same push completes every host without a
# fallback; each host's host-diff names exactly the paths it lacked, only
# those are imported, and a host that had part of the closure downloaded
# receives less than what it lacked (its agent resumes from its staging).
# No shoal process is left on any host, and every host's store passes
# `nix-store --verify --check-contents`.
source "$(dirname "$0")/faults.sh"

fault_setup 6 20mbit 32
options=(--io-timeout 10 --stall-timeout 20 --linger 300)

swarm_total() { jq -s '[.[] | select(.event == "progress") | .downloaded] | max // 0' "$1.json" 2>/dev/null; }
moved_over() { # moved_over RUN PERCENT: the swarm moved PERCENT of what the fleet lacks
  (($(swarm_total "$1") * 100 > closure_bytes * FLEET_HOSTS * $2))
}

# interrupted_round RUN SIGNAL: pushes the current closure, sends SIGNAL to
# shoal push once 40% has moved, checks how the push and the agents end, then
# reruns the push and checks what the rerun moved.
interrupted_round() {
  local run=$1 signal=$2 n h controller signalled_at signalled ended_at moved missing imported rx resumed
  local -A rx_before partial_of lacked_of
  swarm_push "$run" "${options[@]}"
  wait_for 90 moved_over "$run" 40 || fail "$run: the swarm did not move 40% of the bytes: $(tail -n 20 "$run.txt")"
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    agent_pid $n >/dev/null # every host runs an agent now
  done
  mapfile -t controller < <(deployer_shoal_pids)
  ((${#controller[@]} == 1)) || fail "$run: expected one shoal process in the deployer namespace, found: ${controller[*]}"
  kill "-$signal" "${controller[0]}"
  signalled_at=$SECONDS signalled=$EPOCHREALTIME
  echo "$run: SIG$signal to shoal push (pid ${controller[0]}) after $(swarm_total "$run") of $((closure_bytes * FLEET_HOSTS)) bytes" >&2

  # --- how the push ends ---
  wait_push 30 || fail "$run: shoal push still runs 30 s after SIG$signal"
  ended_at=$SECONDS
  echo "$run: the push ended ($push_status) after $((ended_at - signalled_at)) s" >&2
  if [[ $signal == INT ]]; then
    check "$run: shoal push ended with '$push_status' after SIGINT, not 'exit 130'" test "$push_status" = "exit 130"
    check "$run: the push took $((ended_at - signalled_at)) s to stop after SIGINT (agents stop within ~2 s)" \
      test $((ended_at - signalled_at)) -le 10
    check "$run: the last event after SIGINT is not a summary: $(tail -n 1 "$run.json" | cut -c1-200)" \
      test "$(tail -n 1 "$run.json" | jq -r .event 2>/dev/null)" = summary
  else
    [[ $push_status == "signal 9" ]] || fail "$run: shoal push ended with '$push_status', not by SIGKILL"
    clean_events "$run"
  fi
  check "$run: shoal processes left in the deployer namespace: $(deployer_shoal_pids)" \
    test -z "$(deployer_shoal_pids)"
  # --- every agent notices within a few seconds (it stops in about 2 s) ---
  if wait_for $((signalled_at + 6 - SECONDS)) no_shoal_on_hosts; then
    echo "$run: every agent exited within $(since "$signalled") s of SIG$signal" >&2
  else
    check "$run: agents still run 6 s after SIG$signal to shoal push: $(fleet_shoal_pids)" false
    check "$run: agents still run 60 s after SIG$signal to shoal push" wait_no_agents 54
  fi
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    h=$(host_name "$n")
    check "$run: h$n finished despite the interrupt (events: $(host_events "$run" "$h")): the test proves nothing for it" \
      test -z "$(events "$run" ".event == \"host-done\" and .host == \"$h\"")"
  done

  # --- what each host has now: what it lacks, and what its agent downloaded
  # of that (its last progress, less the paths it imported) ---
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    h=$(host_name "$n")
    lacked_of[$n]=$(invalid_paths $n)
    imported=$(jq -r --arg h "$h" 'select(.event == "path-imported" and .host == $h) | .path' "$run.json")
    # shellcheck disable=SC2086
    partial_of[$n]=$(($(host_progress "$run" "$h" | cut -d' ' -f1) - $(bytes_of $imported)))
    rx_before[$n]=$(host_rx $n)
  done

  # --- the rerun ---
  swarm_push "$run-rerun" "${options[@]}"
  wait_push 120 || fail "$run-rerun: the rerun did not end within 120 s: $(tail -n 20 "$run-rerun.txt")"
  check "$run-rerun: the rerun ended with '$push_status': $(grep -v '^  ' "$run-rerun.txt" | tail -n 5)" test "$push_status" = "exit 0"
  resumed=0
  for ((n = 1; n <= FLEET_HOSTS; n++)); do
    h=$(host_name "$n")
    rx=$(($(host_rx $n) - rx_before[$n]))
    # shellcheck disable=SC2086
    missing=$(bytes_of ${lacked_of[$n]})
    echo "$run-rerun: h$n lacked $(grep -c . <<<"${lacked_of[$n]}") paths, $missing bytes, ${partial_of[$n]} of them downloaded; it received $rx bytes" >&2
    check "$run-rerun: h$n's host-diff names $(diff_of "$run-rerun" "$h" | grep -c .) paths, not the $(grep -c . <<<"${lacked_of[$n]}") it lacked" \
      test "$(diff_of "$run-rerun" "$h")" = "${lacked_of[$n]}"
    moved=$(jq -r --arg h "$h" 'select((.event == "path-imported" or .event == "path-copied") and .host == $h) | .path' "$run-rerun.json" | sort)
    check "$run-rerun: h$n received $(grep -c . <<<"$moved") paths, not the $(grep -c . <<<"${lacked_of[$n]}") it lacked" \
      test "$moved" = "${lacked_of[$n]}"
    check "$run-rerun: h$n has no host-done without a fallback (events: $(host_events "$run-rerun" "$h"))" \
      test -n "$(events "$run-rerun" ".event == \"host-done\" and .host == \"$h\" and (.fallback // false) == false")"
    # What it lacked, plus SSH, TLS and TCP overhead, at most.
    check "$run-rerun: h$n received $rx bytes for $missing missing" \
      test $((rx * 10)) -le $((missing * 12 + 2 * 1024 * 1024 * 10))
    # A quarter of it on disk already: a resumed download receives less than
    # it lacks, by at least half of what was on disk.
    if ((${partial_of[$n]} * 4 >= missing && missing > 0)); then
      resumed=$((resumed + 1))
      check "$run-rerun: h$n had ${partial_of[$n]} of its $missing missing bytes downloaded, yet received $rx: it did not resume" \
        test "$rx" -lt $((missing - ${partial_of[$n]} / 2))
    fi
    assert_has_closure $n "$closure"
  done
  # Interrupted at 40%, most hosts hold a part of the big path, which no one
  # could import yet: without such a host, the rerun would prove nothing.
  check "$run: only $resumed hosts had a quarter of what they lacked downloaded at the interrupt, not 2 or more" \
    test "$resumed" -ge 2
  check "$run-rerun: shoal processes left on the hosts" wait_no_agents 20
}

interrupted_round sigint INT
fault_closure second 32
interrupted_round sigkill KILL
check "the successful rerun left the deployer's staging (beside its NAR cache): $(ls "$TEST_TMP/staging" 2>/dev/null)" \
  test -z "$(ls "$TEST_TMP/staging" 2>/dev/null | grep -vx nars)"
check "nix-store --verify --check-contents reported problems" verify_stores
fault_finish fault_deployer_test
