#!/usr/bin/env bash
# Mixed systems: each host runs the shoal agent built for its system. With
# --agent, a host without `system:` is asked (`uname -sm`); a host whose
# system has no agent (here one the inventory declares aarch64-linux: this
# machine runs no second architecture, so no aarch64 agent really runs) gets a
# direct copy, and the events and summary say why. Bad --agent values are
# usage errors naming the path.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"
{
  sed '/^hosts:/,$d' "$FLEET_INVENTORY"
  echo "hosts:"
  echo "  h1: { address: ${address[0]} }"
  echo "  h2: { address: ${address[1]} }"
  echo "  pi: { address: ${address[2]}, system: aarch64-linux }"
} >mixed.yaml

push() { # push OUT ARGS...: JSON events to OUT.json, text to OUT.txt, exit code in rc
  local out=$1
  shift
  set +e
  in_deployer "$SHOAL" push --json -v -i mixed.yaml --staging "$TEST_TMP/staging" \
    --remote-staging "$TEST_TMP/remote" "$@" >"$out.json" 2>"$out.txt"
  rc=$?
  set -e
}

nix_build_test_closure result
closure=$(nix-store -qR result)
push mixed --agent "$SHOAL" result
((rc == 0)) || fail "the mixed push exited $rc: $(cat mixed.txt)"
for n in 1 2 3; do assert_has_closure $n "$closure"; done
# h1 and h2 were asked their system and ran the agent; pi fell back at once, saying why.
for host in h1 h2; do
  [[ -n $(jq -c "select(.event == \"agent-ready\" and .host == \"$host\")" mixed.json) ]] ||
    fail "$host's agent did not run: $(cat mixed.txt)"
  grep -q "$host: x86_64-linux, agent " mixed.txt || fail "$host's system was not asked: $(cat mixed.txt)"
done
jq -r 'select(.event == "host-fallback" and .host == "pi") | .reason' mixed.json |
  grep -q "no shoal agent for aarch64-linux: give --agent" ||
  fail "pi's direct copy does not say why: $(cat mixed.txt)"
[[ -z $(jq -c 'select(.event == "agent-ready" and .host == "pi")' mixed.json) ]] ||
  fail "an agent for another system ran on pi"

# Bad --agent values: exit 2, the path named, no host touched.
push missing --agent /nonexistent/shoal result
((rc == 2)) && grep -q -- "--agent /nonexistent/shoal: /nonexistent/shoal does not exist" missing.txt ||
  fail "a missing --agent: exit $rc, $(cat missing.txt)"
echo '#!/bin/sh' >not-elf
push not_elf --agent "$TEST_TMP/not-elf" result
((rc == 2)) && grep -q "is not an ELF executable" not_elf.txt ||
  fail "a script as --agent: exit $rc, $(cat not_elf.txt)"
push twice --agent "$SHOAL" --agent "$SHOAL" result
((rc == 2)) && grep -q "another --agent is for x86_64-linux" twice.txt ||
  fail "two agents for one system: exit $rc, $(cat twice.txt)"
push both --agent "$SHOAL" --agent-command "shoal agent" result
((rc == 2)) && grep -q "exclude each other" both.txt || fail "--agent with --agent-command: exit $rc"
echo "push_systems_test: ok"
