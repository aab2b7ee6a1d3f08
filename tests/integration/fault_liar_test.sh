#!/usr/bin/env bash
# A lying member of a push's swarm: h2's agent is replaced by a liar
# ($LIAR_AGENT) that takes its real assignment, and so holds a valid
# certificate of the push, claims every piece and serves random bytes. The
# honest hosts' agents refuse its data (each piece fails its hash check),
# ban it (a `peer-banned` event naming h2), every agent is told to refuse
# it, and they complete through the swarm; h2 is expelled from the swarm and
# finished by a direct copy. Every host then holds the right closure and its store passes
# `nix-store --verify --check-contents`.
source "$(dirname "$0")/faults.sh"
: "${LIAR_AGENT:?}"

fault_setup 4 "${FAULT_LIAR_RATE:-20mbit}" "${FAULT_LIAR_MIB:-24}"
liar=2 honest=(1 3 4)

# Every host runs this agent command; only the host whose own /nix holds the
# marker runs the liar.
cat >agent-or-liar <<SH
#!/bin/sh
if [ -e /nix/var/shoal-test-liar ]; then exec '$LIAR_AGENT'; fi
exec '$SHOAL' agent
SH
chmod +x agent-or-liar
on_host $liar touch /nix/var/shoal-test-liar

swarm_push liar --agent-command "$TEST_TMP/agent-or-liar" --stall-timeout 15
wait_push 150 || fail "the push did not end within 150 s: $(tail -n 20 liar.txt)"
grep -v '^  ' liar.txt | grep -v '^swarm:' | tail -n 20 >&2

check "the push ended with '$push_status', not 'exit 0'" test "$push_status" = "exit 0"
bans=$(events liar '.event == "peer-banned"')
echo "bans: $bans" >&2
check "no host banned the liar h$liar" \
  test -n "$(events liar ".event == \"peer-banned\" and .peer == \"$(host_name $liar)\"")"
check "a host other than the liar was banned: $bans" \
  test -z "$(events liar ".event == \"peer-banned\" and .peer != \"$(host_name $liar)\"")"
for n in "${honest[@]}"; do
  h=$(host_name "$n")
  check "honest h$n did not finish through the swarm (events: $(host_events liar "$h"))" \
    test -n "$(events liar ".event == \"host-done\" and .host == \"$h\" and (.fallback // false) == false")"
done
check "the liar h$liar was not finished by a direct copy (events: $(host_events liar "$(host_name $liar)"))" \
  test -n "$(events liar ".event == \"host-done\" and .host == \"$(host_name $liar)\" and .fallback == true")"
check "the liar h$liar was not expelled for its data: $(events liar ".event == \"host-fallback\" and .host == \"$(host_name $liar)\"")" \
  test -n "$(events liar ".event == \"host-fallback\" and .host == \"$(host_name $liar)\" and (.reason | contains(\"failed its hash check\"))")"
grep -q "banned $(host_name $liar) (" liar.txt || check "the push's output does not name the liar" false
for ((n = 1; n <= FLEET_HOSTS; n++)); do
  assert_has_closure "$n" "$closure"
done
check "a store does not verify" verify_stores
fault_finish "fault liar"
