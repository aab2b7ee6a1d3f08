#!/usr/bin/env bash
# The OpenSSH transport, on a fleet behind a bastion: keys libssh2 cannot
# use get through the system's ssh. An RSA key (refused to libssh2 against
# OpenSSH 9, with a message that says why) and an OpenSSH user certificate,
# found only through ssh_config's CertificateFile under a Host alias, reach
# their hosts with `transport: openssh`, through the bastion by a
# ProxyCommand shoal writes, beside a host on libssh2 in the same push. The
# swarm push runs tunnelled (ssh -O forward -R for the OpenSSH hosts) with no
# fallback; then --ssh-program moves every host to OpenSSH for a direct push
# and a profile; a host key ssh refuses fails that host alone.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3 "" --bastion
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"

# reload_sshd PIDFILE: the sshd rereads its configuration (SIGHUP re-executes it in place).
reload_sshd() {
  kill -HUP "$(cat "$1")"
  sleep 0.5
}

# An RSA key every sshd accepts, and a user certificate signed by a CA they trust.
ssh-keygen -q -t rsa -b 3072 -N '' -C shoal-test-rsa -f id_rsa
cat id_rsa.pub >>"$FLEET_DIR/id_ed25519.pub"
ssh-keygen -q -t ed25519 -N '' -C shoal-test-ca -f user_ca
ssh-keygen -q -t ed25519 -N '' -C shoal-test-cert -f cert_key
ssh-keygen -q -s user_ca -I shoal-test -n root -V -5m:+1h cert_key.pub
# Not next to the key under the name ssh would guess: only CertificateFile finds it.
mv cert_key-cert.pub cert_key.certificate
for config in "$FLEET_DIR"/hosts/h*/sshd_config "$FLEET_DIR/bastion/sshd_config"; do
  echo "TrustedUserCAKeys $TEST_TMP/user_ca.pub" >>"$config"
done
for pidfile in "$FLEET_DIR"/hosts/h*/sshd.pid "$FLEET_DIR/bastion/sshd.pid"; do reload_sshd "$pidfile"; done
wait_for 10 on_host 3 true || fail "h3's sshd did not come back"

cat >ssh_config <<EOF
Host $FLEET_BASTION_ADDRESS
    IdentityFile $FLEET_IDENTITY
Host cert-host
    HostName ${address[1]}
    IdentityFile $TEST_TMP/cert_key
    CertificateFile $TEST_TMP/cert_key.certificate
    IdentitiesOnly yes
EOF
write_inventory() { # FILE KNOWN_HOSTS_OF_H3
  cat >"$1" <<EOF
ssh_config: ./ssh_config
defaults:
  user: root
  known_hosts: $FLEET_KNOWN_HOSTS
  jump: root@$FLEET_BASTION_ADDRESS
  transport: openssh
hosts:
  rsa-host: { address: ${address[0]}, identity: $TEST_TMP/id_rsa }
  cert-host: {}
  plain: { address: ${address[2]}, identity: $FLEET_IDENTITY, transport: libssh2, known_hosts: $2 }
EOF
}
write_inventory inventory.yaml "$FLEET_KNOWN_HOSTS"

# 1. libssh2 cannot sign with RSA for OpenSSH 9: the reason and the way out.
sed 's/transport: openssh/transport: libssh2/' inventory.yaml >libssh2.yaml
nix_build_test_closure first
run_shoal refused push --direct --json -i libssh2.yaml --hosts rsa-host first
((rc == 1)) || fail "a libssh2 push with an RSA key exited $rc: $(cat refused.txt)"
host_event refused.json host-failed rsa-host | jq -r .error | grep -q "RSA keys do not work" ||
  fail "the RSA refusal does not say why: $(cat refused.txt)"

# 2. A swarm push over both transports, tunnelled: the hosts cannot reach the deployer.
run_shoal swarm push --json -i inventory.yaml first
((rc == 0)) || fail "the swarm push exited $rc: $(tail swarm.txt)"
for n in 1 2 3; do assert_has_closure $n "$(nix-store -qR first)"; done
[[ -z $(jq -c 'select(.event == "host-fallback")' swarm.json) ]] ||
  fail "hosts fell back: $(jq -c 'select(.event == "host-fallback")' swarm.json)"
jq -se 'any(.[]; .event == "swarm-mode" and .mode == "tunnelled")' swarm.json >/dev/null ||
  fail "the swarm did not run tunnelled: $(tail swarm.txt)"
! grep -q "CertificateFile" swarm.txt || fail "ssh_config's CertificateFile was reported as not followed"
grep -q "Accepted publickey for root .* ED25519-CERT .* ID shoal-test" "$FLEET_DIR/hosts/h2/sshd.log" ||
  fail "h2 saw no certificate login: $(tail "$FLEET_DIR/hosts/h2/sshd.log")"
grep -q "Accepted publickey for root .* ssh2: RSA SHA256" "$FLEET_DIR/hosts/h1/sshd.log" ||
  fail "h1 saw no RSA login: $(tail "$FLEET_DIR/hosts/h1/sshd.log")"

# 3. --ssh-program: every host through OpenSSH, a direct push with a profile.
nix_build_test_closure second
run_shoal direct push --direct --json -i inventory.yaml --ssh-program ssh \
  --profile shoal-openssh second
((rc == 0)) || fail "the --ssh-program push exited $rc: $(tail direct.txt)"
for n in 1 2 3; do
  assert_has_closure $n "$(nix-store -qR second)"
  [[ $(on_host $n readlink -f /nix/var/nix/profiles/shoal-openssh) == "$(readlink -f second)" ]] ||
    fail "h$n's profile is not the pushed closure"
done

# 4. A host key ssh refuses: that host fails, the others do not wait for it.
: >empty_known_hosts
write_inventory wrong_key.yaml "$TEST_TMP/empty_known_hosts"
nix_build_test_closure third
run_shoal wrong push --json -i wrong_key.yaml --ssh-program ssh third
((rc == 1)) || fail "a push with an unknown host key exited $rc: $(tail wrong.txt)"
host_event wrong.json host-failed plain | jq -r .error |
  grep -q "could not log in.*Host key verification failed" ||
  fail "the refused host key is not named: $(tail wrong.txt)"
for n in 1 2; do assert_has_closure $n "$(nix-store -qR third)"; done
echo "push_openssh_test: ok"
