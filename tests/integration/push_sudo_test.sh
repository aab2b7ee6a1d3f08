#!/usr/bin/env bash
# A non-root user on the hosts (root logins are for the fleet's own checks):
# with `become: sudo` (or --sudo) shoal runs nix-store and its agent through
# `sudo -n`. Without a sudoers rule every host fails at once with the reason
# and the fix, and nothing reaches any store; with a NOPASSWD rule for
# nix-store and shoal alone, a direct push and a swarm push both complete;
# profiles need a rule for sh as well.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 2
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"

# The hosts share this machine's users and /etc/sudoers.d (only /nix and
# root's home are their own): a user and a rule of this test's own.
user=shoal-t$$
rule=/etc/sudoers.d/shoal-test-$$
# Password '*': none works, but the account is not locked ('!'), which sshd would refuse.
home=/tmp/$user-home
useradd -M -d "$home" -s /bin/sh -p '*' "$user"
fleet_on_exit "rm -rf '$rule' '$home'; userdel '$user' 2>/dev/null || true"
install -d -m 0755 -o "$user" "$home"

cat >inventory.yaml <<EOF
defaults:
  user: $user
  identity: $FLEET_IDENTITY
  known_hosts: $FLEET_KNOWN_HOSTS
  become: sudo
hosts:
  h1: { address: ${address[0]} }
  h2: { address: ${address[1]} }
EOF
sed '/become:/d' inventory.yaml >plain.yaml

push() { # push OUT ARGS...: JSON events to OUT.json, text to OUT.txt, exit code in rc
  local out=$1
  shift
  set +e
  in_deployer "$SHOAL" push --json "$@" >"$out.json" 2>"$out.txt"
  rc=$?
  set -e
}
assert_lacks() { # host number, paths
  local path
  for path in $2; do
    ! on_host "$1" nix-store --check-validity "$path" 2>/dev/null || fail "h$1 has $path"
  done
}

# 1. No sudoers rule: refused at once, with the reason and the fix; nothing moved.
nix_build_test_closure first
first=$(nix-store -qR first)
push refused --direct -i inventory.yaml first
((rc == 1)) || fail "a push without a sudo rule exited $rc: $(cat refused.txt)"
for host in h1 h2; do
  jq -r "select(.event == \"host-failed\" and .host == \"$host\") | .error" refused.json |
    grep -q "sudo wants a password for 'sudo -n -- nix-store --serve --write'.*NOPASSWD" ||
    fail "$host's refusal does not say why and what to do: $(cat refused.txt)"
done
for n in 1 2; do assert_lacks $n "$first"; done

# 2. A rule for nix-store and shoal only (NIX_CONF_DIR kept: the fleet's Nix reads its
# settings from there): a direct push completes.
cat >rule <<EOF
Defaults:$user env_keep += "NIX_CONF_DIR"
$user ALL=(root) NOPASSWD: $(command -v nix-store), $SHOAL
EOF
visudo -cqf rule || fail "the test's sudoers rule does not parse"
install -m 0440 rule "$rule"
push direct --direct -i inventory.yaml first
((rc == 0)) || fail "push --direct through sudo exited $rc: $(cat direct.txt)"
for n in 1 2; do assert_has_closure $n "$first"; done

# 3. --sudo instead of `become:`, through the swarm: the agents run under sudo too.
nix_build_test_closure second
second=$(nix-store -qR second)
push swarm -i plain.yaml --sudo --staging "$TEST_TMP/staging" --remote-staging /tmp/shoal-sudo-$$ second
((rc == 0)) || fail "a swarm push with --sudo exited $rc: $(cat swarm.txt)"
for n in 1 2; do assert_has_closure $n "$second"; done
[[ -z $(jq -c 'select(.event == "host-fallback")' swarm.json) ]] ||
  fail "the swarm push fell back to direct copies: $(cat swarm.txt)"
[[ $(jq -c 'select(.event == "host-done")' swarm.json | wc -l) == 2 ]] || fail "not every host is done"

# 4. Profiles (and activation) are shell commands: with sh allowed too, --profile works.
echo "$user ALL=(root) NOPASSWD: /bin/sh, /usr/bin/sh" >>rule
visudo -cqf rule || fail "the test's sudoers rule with sh does not parse"
install -m 0440 rule "$rule"
push profile --direct -i inventory.yaml --profile sudo-test first
((rc == 0)) || fail "push --profile through sudo exited $rc: $(cat profile.txt)"
for n in 1 2; do
  [[ $(on_host $n readlink -f /nix/var/nix/profiles/sudo-test) == "$(readlink -f first)" ]] ||
    fail "h$n's profile does not point at the closure"
done
echo "push_sudo_test: ok"
