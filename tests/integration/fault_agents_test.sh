#!/usr/bin/env bash
# Faults on the targets during a swarm push to an 8-host fleet at 20 Mbit/s,
# injected once the swarm has moved a quarter of the bytes:
#   - the agents of a quarter of the hosts (h2, h5) are killed (SIGKILL);
#   - h4's link goes down for 20 s (its agent lives on, unreachable);
#   - h7's agent is stopped (SIGSTOP: a hung host whose sshd still answers).
# The other hosts (h1, h3, h6, h8) finish through the swarm, without a
# fallback. Each victim is finished by a direct copy (host-fallback, then
# host-done with fallback: true) or named in host-failed with a reason, and
# the push ends within --io-timeout/--stall-timeout of the faults, not
# whenever the hung agent comes back. Afterwards no shoal process is left on
# any host (the stopped agent gets SIGCONT once the push is over: it must
# then see its closed channel and exit). A rerun of the same push completes
# every host, each host's host-diff naming exactly the paths it lacked and
# moving only those. Every host's store passes
# `nix-store --verify --check-contents`.
source "$(dirname "$0")/faults.sh"

fault_setup 8 20mbit 24
# The victims fall back within seconds: a silent agent after 8 s, one that
# gains nothing after 20 s (healthy hosts held up by a victim do not: the
# deployer opens every slice to a host that gains nothing for 10 s). The
# cut-off host's fallback cannot connect within 3 s while its link is down,
# so that host fails and the rerun has something to complete. Agents linger
# longer than this test runs.
timeouts=(--io-timeout 8 --stall-timeout 20 --connect-timeout 3 --linger 300)
killed=(2 5) cut=4 hung=7 healthy=(1 3 6 8)

# --- 1. the faults ----------------------------------------------------------
swarm_push first "${timeouts[@]}"
swarm_total() { jq -s '[.[] | select(.event == "progress") | .downloaded] | max // 0' first.json; }
quarter_moved() { (($(swarm_total) > closure_bytes * FLEET_HOSTS / 4)); }
wait_for 90 quarter_moved || fail "the swarm did not move a quarter of the bytes: $(tail -n 20 first.txt)"
for n in "${killed[@]}" "$cut" "$hung"; do
  agent[n]=$(agent_pid "$n")
done
on_exit "ip -n '$(host_name $cut)' link set eth0 up 2>/dev/null || true"
for n in "${killed[@]}"; do kill -KILL "${agent[n]}"; done
ip -n "$(host_name $cut)" link set eth0 down
kill -STOP "${agent[hung]}"
faults_at=$SECONDS
echo "faults injected after $(swarm_total) of $((closure_bytes * FLEET_HOSTS)) bytes" >&2
# Dead once it is gone or a zombie: SIGKILL is delivered, and a big (ASan)
# process torn down, a moment after kill returns.
dead() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  [[ ${stat##*) } == Z* ]]
}
for n in "${killed[@]}"; do
  wait_for 5 dead "${agent[n]}" || fail "h$n's agent survived SIGKILL"
done
while ((SECONDS - faults_at < 20)); do sleep 0.5; done
ip -n "$(host_name $cut)" link set eth0 up
echo "h$cut's link is back up after $((SECONDS - faults_at)) s" >&2

# io-timeout 8 (stall-timeout 20), then a direct copy of the closure to each
# victim through the deployer's 20 Mbit/s (~40 s for all) fit in 80 s.
if wait_push $((80 - (SECONDS - faults_at))); then
  echo "the push ended $((SECONDS - faults_at)) s after the faults, $push_status" >&2
else
  check "the push did not end within 80 s of the faults (h$hung's agent is stopped: SIGSTOP)" false
  kill -CONT "${agent[hung]}"
  wait_push 120 || fail "the push did not end within 120 s of SIGCONT to h$hung's agent either"
  echo "the push ended only after SIGCONT to h$hung's agent, $push_status" >&2
fi
# The push is over: a stopped agent must now notice that its channel is gone.
kill -CONT "${agent[hung]}" 2>/dev/null || true
clean_events first
grep -v '^  ' first.txt | grep -v '^swarm:' | tail -n 30 >&2

# --- 2. what the first push reported ----------------------------------------
failed_hosts=0 fell_back=()
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  h=$(host_name "$n")
  ends=$(events first "(.event == \"host-done\" or .event == \"host-failed\") and .host == \"$h\"" | wc -l)
  check "h$n has $ends host-done/host-failed events, not 1 (events: $(host_events first "$h"))" test "$ends" = 1
done
for n in "${healthy[@]}"; do
  h=$(host_name "$n")
  check "healthy h$n did not finish through the swarm (events: $(host_events first "$h"))" \
    test -n "$(events first ".event == \"host-done\" and .host == \"$h\" and (.fallback // false) == false")"
  check "healthy h$n fell back: $(events first ".event == \"host-fallback\" and .host == \"$h\"")" \
    test -z "$(events first ".event == \"host-fallback\" and .host == \"$h\"")"
done
victim_finished() { # victim_finished N: a fallback then host-done, or host-failed with a reason
  local h
  h=$(host_name "$1")
  if [[ -n $(events first ".event == \"host-failed\" and .host == \"$h\" and (.error | length) > 0") ]]; then
    echo "h$1: host-failed: $(events first ".event == \"host-failed\" and .host == \"$h\"" | jq -r .error | head -n 1)" >&2
    failed_hosts=$((failed_hosts + 1))
    return 0
  fi
  jq -s -e --arg h "$h" '
    (map(.event == "host-fallback" and .host == $h and (.reason | length) > 0) | index(true)) as $f |
    (map(.event == "host-done" and .host == $h) | index(true)) as $d |
    $f != null and $d != null and $f < $d' first.json >/dev/null || return 1
  echo "h$1: fell back ($(events first ".event == \"host-fallback\" and .host == \"$h\"" | jq -r .reason | head -n 1 | cut -c1-160))" >&2
  fell_back+=("$1")
}
for n in "${killed[@]}"; do
  check "killed h$n: no host-fallback then host-done (fallback), nor host-failed with a reason (events: $(host_events first "$(host_name "$n")"))" victim_finished "$n"
done
check "cut-off h$cut: no host-fallback then host-done (fallback), nor host-failed with a reason (events: $(host_events first "$(host_name $cut)"))" victim_finished "$cut"
check "hung h$hung: no host-fallback then host-done (fallback), nor host-failed with a reason (events: $(host_events first "$(host_name $hung)"))" victim_finished "$hung"
# docs/events.md: host-done carries `fallback: true` when a direct copy finished the host.
for n in "${fell_back[@]}"; do
  check "h$n fell back, but its host-done lacks fallback: true: $(events first ".event == \"host-done\" and .host == \"$(host_name "$n")\"")" \
    test -n "$(events first ".event == \"host-done\" and .host == \"$(host_name "$n")\" and .fallback == true")"
done
expected_rc=$((failed_hosts > 0 ? 1 : 0))
check "the first push ended with '$push_status', not 'exit $expected_rc' ($failed_hosts hosts failed)" test "$push_status" = "exit $expected_rc"
check "the first push's last event is not a summary" \
  test "$(tail -n 1 first.json | jq -r .event)" = summary
check "shoal processes left on the hosts after the first push" wait_no_agents 45
check "shoal processes left in the deployer namespace: $(deployer_shoal_pids)" test -z "$(deployer_shoal_pids)"

# --- 3. the rerun completes every host, moving only what is missing ----------
declare -A lacked
missing_total=0
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  lacked[$n]=$(invalid_paths $n)
  # shellcheck disable=SC2086
  missing_total=$((missing_total + $(bytes_of ${lacked[$n]})))
  echo "h$n lacks $(grep -c . <<<"${lacked[$n]}") paths" >&2
done
declare -A rx_before
for ((n = 1; n <= FLEET_HOSTS; n++)); do rx_before[$n]=$(host_rx $n); done
swarm_push rerun "${timeouts[@]}"
wait_push 150 || fail "the rerun did not end within 150 s: $(tail -n 20 rerun.txt)"
check "the rerun ended with '$push_status': $(grep -v '^  ' rerun.txt | tail -n 5)" test "$push_status" = "exit 0"
rx_rerun=0
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  h=$(host_name "$n")
  rx_rerun=$((rx_rerun + $(host_rx $n) - rx_before[$n]))
  check "rerun: h$n's host-diff names $(diff_of rerun "$h" | wc -l) paths, not the $(grep -c . <<<"${lacked[$n]}") it lacked" \
    test "$(diff_of rerun "$h")" = "${lacked[$n]}"
  moved=$(jq -r --arg h "$h" 'select((.event == "path-imported" or .event == "path-copied") and .host == $h) | .path' rerun.json | sort)
  check "rerun: h$n received $(grep -c . <<<"$moved") paths, not the $(grep -c . <<<"${lacked[$n]}") it lacked" \
    test "$moved" = "${lacked[$n]}"
  check "rerun: h$n has no host-done without a fallback (events: $(host_events rerun "$h"))" \
    test -n "$(events rerun ".event == \"host-done\" and .host == \"$h\" and (.fallback // false) == false")"
  assert_has_closure $n "$closure"
done
echo "the rerun: hosts received $rx_rerun bytes for $missing_total missing" >&2
# What was missing, plus SSH, TLS and TCP overhead.
check "the rerun moved $rx_rerun bytes to the hosts for $missing_total bytes missing" \
  test $((rx_rerun * 10)) -le $((missing_total * 12 + 4 * 1024 * 1024 * 10))
check "shoal processes left on the hosts after the rerun" wait_no_agents 20
check "the successful rerun left the deployer's staging (beside its NAR cache): $(ls -laR "$TEST_TMP/staging" 2>/dev/null)" \
  test -z "$(ls "$TEST_TMP/staging" 2>/dev/null | grep -vx nars)"
check "nix-store --verify --check-contents reported problems" verify_stores
fault_finish fault_agents_test
