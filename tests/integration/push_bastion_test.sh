#!/usr/bin/env bash
# Hosts the deployer reaches only through a bastion (scripts/fleet-up
# --bastion: no route from the deployer to the hosts, none back): `shoal push
# --direct` and `shoal plan` go through one bastion session, set once with the
# inventory's `jump:` and once with an OpenSSH client configuration (-F and
# the inventory's `ssh_config:`: Host patterns, negation, HostName,
# ProxyJump by alias, IdentityFile, IdentitiesOnly, UserKnownHostsFile).
# A dead bastion and a bastion with an unknown host key each fail their hosts
# with a message naming the bastion, and a host that is fine is never held
# up. A swarm push runs tunnelled: the hosts cannot connect back to the
# deployer, so its slices reach them through SSH, about one copy in all.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3 "" --bastion
cd "$TEST_TMP"
nix_build_test_closure result
closure=$(nix-store -qR result)
read -ra address <<<"$FLEET_ADDRESSES"
outside=${FLEET_BASTION_ADDRESS%.2}

! in_deployer bash -c "exec 3<>/dev/tcp/${address[0]}/22" 2>/dev/null ||
  fail "the deployer reaches ${address[0]} directly: the fleet has no bastion in the way"


# 1. The inventory's `jump:` (fleet-up writes it into the defaults).
run_shoal check inventory check -i "$FLEET_INVENTORY" --json
((rc == 0)) || fail "inventory check exited $rc: $(cat check.txt)"
[[ $(jq -r '.hosts[0].jump[0]' check.json) == "root@$FLEET_BASTION_ADDRESS:22" ]] ||
  fail "inventory check shows no bastion: $(cat check.json)"
run_shoal plan plan -i "$FLEET_INVENTORY" --json result
((rc == 0)) || fail "plan through the bastion exited $rc: $(cat plan.txt)"
grep -q "swarm: tunnelled" plan.txt || fail "the plan does not say a push would run tunnelled: $(cat plan.txt)"
run_shoal push push --direct --json -i "$FLEET_INVENTORY" result
((rc == 0)) || fail "push --direct through the bastion exited $rc: $(cat push.txt)"
for n in 1 2 3; do assert_has_closure $n "$closure"; done
# One login to the bastion for the whole push, not one per host.
logins=$(grep -c 'Accepted publickey' "$FLEET_DIR/bastion/sshd.log")
((logins == 2)) || fail "the bastion saw $logins logins for plan + push, expected 2"

# 2. The same fleet described by an OpenSSH client configuration instead.
cat >ssh_config <<EOF
# Names, not addresses, in the inventory: HostName maps them.
Host gate
    HostName $FLEET_BASTION_ADDRESS
Host * !gate
    ProxyJump gate
$(for n in 1 2 3; do printf 'Host web-%s\n    HostName %s\n' $n "${address[n - 1]}"; done)
Host *
    User root
    IdentityFile $FLEET_IDENTITY
    IdentitiesOnly yes
    UserKnownHostsFile $FLEET_KNOWN_HOSTS
    StrictHostKeyChecking yes
    ProxyCommand nc %h %p
EOF
proxy_line=$(grep -n ProxyCommand ssh_config | cut -d: -f1)
printf 'hosts:\n  web-[1:3]: {}\n' >by-name.yaml
nix_build_test_closure second
second=$(nix-store -qR second)
run_shoal push2 push --direct --json -i by-name.yaml -F ssh_config second
((rc == 0)) || fail "push with -F ssh_config exited $rc: $(cat push2.txt)"
for n in 1 2 3; do assert_has_closure $n "$second"; done
grep -q "ssh_config:$proxy_line: proxycommand is not followed" push2.txt ||
  fail "the ProxyCommand line was not reported: $(cat push2.txt)"
# The inventory's own `ssh_config:` key does the same, relative to the inventory.
{
  echo "ssh_config: ssh_config"
  cat by-name.yaml
} >keyed.yaml
run_shoal check2 inventory check --json -i keyed.yaml
((rc == 0)) || fail "inventory check with ssh_config: exited $rc: $(cat check2.txt)"
jq -e --arg a "${address[0]}" --arg b "$FLEET_BASTION_ADDRESS" \
  '.hosts[0].address == $a and .hosts[0].port == 22 and .hosts[0].jump == ["root@" + $b + ":22"]' \
  check2.json >/dev/null || fail "ssh_config: resolved wrongly: $(cat check2.json)"
run_shoal push3 push --direct --json -i keyed.yaml second
((rc == 0)) || fail "push with ssh_config: exited $rc: $(cat push3.txt)"

# 3. A dead bastion fails its hosts at once, and only them.
nix_build_test_closure third
third=$(nix-store -qR third)
cat >dead.yaml <<EOF
defaults:
  user: root
  identity: $FLEET_IDENTITY
  known_hosts: $FLEET_KNOWN_HOSTS
  jump: root@$FLEET_BASTION_ADDRESS
hosts:
  h1: { address: ${address[0]} }
  h2: { address: ${address[1]}, jump: root@$outside.250 }
  h3: { address: ${address[2]}, jump: [ "root@$outside.250", "root@$FLEET_BASTION_ADDRESS" ] }
EOF
run_shoal dead push --direct --json -i dead.yaml --connect-timeout 3 third
((rc == 1)) || fail "push with a dead bastion exited $rc: $(cat dead.txt)"
assert_has_closure 1 "$third"
for host in h2 h3; do
  host_event dead.json host-failed $host | jq -r .error | grep -q "bastion root@$outside.250:22: cannot connect" ||
    fail "$host's error does not name the dead bastion: $(host_event dead.json host-failed $host)"
done

# 4. A bastion whose key known_hosts lacks is refused (and nothing moves behind it).
grep -v "^$FLEET_BASTION_ADDRESS " "$FLEET_KNOWN_HOSTS" >no_bastion_known_hosts
sed "s|known_hosts: .*|known_hosts: $TEST_TMP/no_bastion_known_hosts|" dead.yaml >unknown.yaml
run_shoal unknown push --direct --json -i unknown.yaml --hosts h1 result
((rc == 1)) || fail "an unknown bastion was not refused: $(cat unknown.txt)"
host_event unknown.json host-failed h1 | jq -r .error |
  grep -q "bastion root@$FLEET_BASTION_ADDRESS:22: unknown host" ||
  fail "the refusal does not name the bastion: $(host_event unknown.json host-failed h1)"

# 5. A swarm push: the hosts cannot connect back, so the deployer's slices go through SSH
# tunnels (chosen by itself here; --tunnel asks for it), the hosts swap pieces among
# themselves, the deployer sends about one copy, and nobody falls back.
swarm_push() { # swarm_push OUT CLOSURE ARGS...
  local out=$1 closure=$2
  shift 2
  run_shoal "$out" push --json -i "$FLEET_INVENTORY" --staging "$TEST_TMP/staging" \
    --remote-staging "$TEST_TMP/remote" "$@" "$closure"
}
for run in auto explicit; do
  NIX_TEST_BIG_MIB=8 nix_build_test_closure "big-$run"
  big=$(nix-store -qR "big-$run")
  bytes=$(nix path-info --size $(tr '\n' ' ' <<<"$big") | awk '{s += $2} END {print s}')
  before=$(deployer_tx)
  if [[ $run == auto ]]; then swarm_push "swarm-$run" "big-$run"; else swarm_push "swarm-$run" "big-$run" --tunnel; fi
  sent=$(($(deployer_tx) - before))
  ((rc == 0)) || fail "the $run tunnelled swarm push exited $rc: $(cat "swarm-$run.txt")"
  for n in 1 2 3; do assert_has_closure $n "$big"; done
  jq -se 'any(.[]; .event == "swarm-mode" and .mode == "tunnelled")' "swarm-$run.json" >/dev/null ||
    fail "the $run push did not run tunnelled: $(cat "swarm-$run.txt")"
  [[ -z $(jq -c 'select(.event == "host-fallback")' "swarm-$run.json") ]] ||
    fail "the $run tunnelled push fell back: $(cat "swarm-$run.txt")"
  [[ $(jq -c 'select(.event == "agent-ready")' "swarm-$run.json" | wc -l) == 3 ]] ||
    fail "not every agent ran in the $run push"
  # Three hosts, one copy out of the deployer (plus SSH and TLS overhead), not three.
  ((sent < bytes * 3 / 2)) || fail "the deployer sent $sent bytes for a $bytes-byte closure ($run)"
  grep -q "swarm: tunnelled" "swarm-$run.txt" || fail "the summary does not say the swarm was tunnelled"
done
run_shoal both push -i "$FLEET_INVENTORY" --tunnel --listen 127.0.0.1 result
((rc == 2)) || fail "--tunnel with --listen exited $rc"
echo "push_bastion_test: ok"
