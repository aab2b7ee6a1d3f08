#!/usr/bin/env bash
# shoal_ssh against real sshds on a 3-host namespace fleet: binary-safe
# stdin/stdout, stderr kept apart (and drained while stdout waits), exit
# status, host key checks (changed, unknown, accept-new, hashed, [host]:port,
# key type preference), connect and IO timeouts, authentication errors, the
# agent, and 20 sessions in parallel.
set -euo pipefail
source "$(dirname "$0")/fleet.sh"
: "${SSH_CLIENT:?the ssh_client test program}"

fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
fleet_on_exit "rm -rf '$work'"
fleet_start 3
read -r h1 h2 h3 <<<"$FLEET_ADDRESSES"
report=$work/report.json

# client ARGS... -- COMMAND: runs ssh_client as the deployer, without any agent of ours.
client() {
  in_deployer env -u SSH_AUTH_SOCK "$SSH_CLIENT" --user root --report "$report" "$@"
}
fleet_client() {
  client --identity "$FLEET_IDENTITY" --known-hosts "$FLEET_KNOWN_HOSTS" "$@"
}
field() { jq -r ".[0].$1" "$report"; }
expect_error() { # KIND TEXT: the last run failed with this kind and message part
  [[ $(field kind) == "$1" ]] || fail "expected a $1 error, got: $(jq -c . "$report")"
  [[ $(field error) == *"$2"* ]] || fail "error lacks '$2': $(field error)"
}
fingerprint() { ssh-keygen -lf "$1" | awk '{print $2}'; }

echo "== exit status, stdout and stderr apart"
out=$(fleet_client --address "$h1" -- 'printf "to stdout"; printf "to stderr" >&2; exit 3' 2>/dev/null)
[[ $out == "to stdout" ]] || fail "stdout was '$out'"
[[ $(field exit_status) == 3 && $(field stderr) == "to stderr" ]] || fail "$(jq -c . "$report")"
fleet_client --address "$h1" -- 'kill -KILL $$' 2>/dev/null
[[ $(field exit_status) == 137 ]] || fail "a killed command should report 137: $(jq -c . "$report")"

echo "== 4 MB of binary data through cat and back"
head -c 4000000 /dev/urandom >"$work/payload"
fleet_client --address "$h2" --echo -- cat <"$work/payload" >"$work/echoed" 2>/dev/null
cmp -s "$work/payload" "$work/echoed" || fail "cat round trip changed the data"
fleet_client --address "$h2" --stdin -- sha256sum <"$work/payload" >"$work/remote-sum" 2>/dev/null
[[ $(cut -d' ' -f1 "$work/remote-sum") == $(sha256sum <"$work/payload" | cut -d' ' -f1) ]] ||
  fail "checksum on the host differs"

echo "== 6 MB of stderr before stdout: no deadlock, last 64 KiB kept"
out=$(fleet_client --address "$h1" -- 'head -c 6000000 /dev/zero | tr "\0" e >&2; echo tail >&2; head -c 3000000 /dev/urandom | tee /tmp/out.$$ | sha256sum >&2; cat /tmp/out.$$; rm /tmp/out.$$' 2>/dev/null | sha256sum | cut -d' ' -f1)
[[ $(field stderr) == *"tail"*"$out  -" ]] || fail "stderr does not end with stdout's checksum $out"
(($(field 'stderr | length') <= 65536)) || fail "stderr was not bounded"

echo "== 20 sessions in parallel"
fleet_client --address "$h1,$h2,$h3" --parallel 20 -- 'echo ok from $(hostname -I)' 2>/dev/null
[[ $(jq '[.[] | select(.exit_status == 0 and (.stdout | startswith("ok from")))] | length' "$report") == 20 ]] ||
  fail "not all 20 sessions worked: $(jq -c . "$report")"
[[ $(jq '[.[].stdout] | unique | length' "$report") == 3 ]] || fail "sessions did not reach all 3 hosts"

echo "== changed host key: refused with both fingerprints and the line"
h1_key=$(grep "^$h1 " "$FLEET_KNOWN_HOSTS")
h2_key=$(grep "^$h2 " "$FLEET_KNOWN_HOSTS")
printf '# comment\n%s %s\n' "$h1" "${h2_key#* }" >"$work/wrong_known_hosts"
echo "${h1_key#* }" >"$work/h1.pub"
echo "${h2_key#* }" >"$work/h2.pub"
if client --identity "$FLEET_IDENTITY" --known-hosts "$work/wrong_known_hosts" --address "$h1" -- true 2>/dev/null; then
  fail "connected despite a changed host key"
fi
expect_error host_key "HOST KEY CHANGED: $work/wrong_known_hosts:2 expects ssh-ed25519 key $(fingerprint "$work/h2.pub")"
expect_error host_key "offered ssh-ed25519 key $(fingerprint "$work/h1.pub")"

echo "== unknown host: refused, then accepted and recorded with accept-new"
: >"$work/new_known_hosts"
if client --identity "$FLEET_IDENTITY" --known-hosts "$work/new_known_hosts" --address "$h1" -- true 2>/dev/null; then
  fail "connected to an unknown host"
fi
expect_error host_key "unknown host: $h1 is not in $work/new_known_hosts"
[[ ! -s $work/new_known_hosts ]] || fail "an unknown host was recorded without accept-new"
printf '%s' "# no newline at the end" >"$work/new_known_hosts"
client --identity "$FLEET_IDENTITY" --known-hosts "$work/new_known_hosts" --accept-new --address "$h1" -- true 2>/dev/null ||
  fail "accept-new refused an unknown host: $(field error)"
[[ $(sed -n 2p "$work/new_known_hosts") == "$h1_key" ]] || fail "accept-new wrote: $(cat "$work/new_known_hosts")"
client --identity "$FLEET_IDENTITY" --known-hosts "$work/new_known_hosts" --address "$h1" -- true 2>/dev/null ||
  fail "the recorded key is not accepted: $(field error)"
# ... and a changed key stays refused even with accept-new.
if client --identity "$FLEET_IDENTITY" --known-hosts "$work/wrong_known_hosts" --accept-new --address "$h1" -- true 2>/dev/null; then
  fail "accept-new let a changed host key through"
fi
expect_error host_key "HOST KEY CHANGED"
# Parallel first contacts append one whole line each.
rm -f "$work/parallel_known_hosts"
client --identity "$FLEET_IDENTITY" --known-hosts "$work/parallel_known_hosts" --accept-new \
  --address "$h1,$h2,$h3" --parallel 9 -- true 2>/dev/null || fail "parallel accept-new failed"
(($(grep -c ' ssh-ed25519 AAAA' "$work/parallel_known_hosts") == $(wc -l <"$work/parallel_known_hosts"))) ||
  fail "interleaved known_hosts lines: $(cat "$work/parallel_known_hosts")"

echo "== hashed known_hosts entries"
cp "$FLEET_KNOWN_HOSTS" "$work/hashed_known_hosts"
ssh-keygen -q -H -f "$work/hashed_known_hosts" >/dev/null 2>&1
if ! grep -q "^|1|" "$work/hashed_known_hosts" || grep -q "$h2" "$work/hashed_known_hosts"; then fail "not hashed"; fi
client --identity "$FLEET_IDENTITY" --known-hosts "$work/hashed_known_hosts" --address "$h2" -- true 2>/dev/null ||
  fail "hashed entry not matched: $(field error)"

echo "== lines libssh2 cannot read are skipped; @revoked keys are refused"
{
  echo "@cert-authority *.example.com ${h2_key#* }"
  echo "other.example.com sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIP7pj1tO9Nt58Dgl9ocXcAlW+pVAXWtbkeKql2AZizrCAAAABHNzaDo="
  echo "not a known_hosts line"
  cat "$FLEET_KNOWN_HOSTS"
} >"$work/odd_known_hosts"
client --identity "$FLEET_IDENTITY" --known-hosts "$work/odd_known_hosts" --address "$h1" -- true 2>/dev/null ||
  fail "odd lines broke known_hosts: $(field error)"
echo "@revoked * ${h1_key#* }" >>"$work/odd_known_hosts"
if client --identity "$FLEET_IDENTITY" --known-hosts "$work/odd_known_hosts" --address "$h1" -- true 2>/dev/null; then
  fail "a revoked host key was accepted"
fi
expect_error host_key "the host offered ssh-ed25519 key $(fingerprint "$work/h1.pub"), which $work/odd_known_hosts"
expect_error host_key "marks @revoked"

echo "== [host]:port entries and the host key type known_hosts holds"
# A second sshd on h3 with an ECDSA and an ed25519 host key: we must ask for the type we know.
ssh-keygen -q -t ecdsa -N '' -f "$work/port_ecdsa"
ssh-keygen -q -t ed25519 -N '' -f "$work/port_ed25519"
sed -e "s|^ListenAddress .*|ListenAddress $h3:2222|" -e "s|^PidFile .*|PidFile $work/port.pid|" \
  -e "s|^HostKey .*|HostKey $work/port_ecdsa\nHostKey $work/port_ed25519|" \
  "$FLEET_DIR/hosts/h3/sshd_config" >"$work/port_sshd_config"
ip netns exec "$FLEET_NAME-h3" /usr/sbin/sshd -f "$work/port_sshd_config" -E "$work/port_sshd.log"
fleet_on_exit "kill \$(cat '$work/port.pid') 2>/dev/null"
for type in ecdsa ed25519; do
  echo "[$h3]:2222 $(cut -d' ' -f1,2 "$work/port_$type.pub")" >"$work/port_known_hosts"
  client --identity "$FLEET_IDENTITY" --known-hosts "$work/port_known_hosts" --address "$h3" --port 2222 -- true 2>/dev/null ||
    fail "[host]:port with only the $type key known: $(field error)"
done

echo "== an address with nobody behind it fails at the connect timeout"
nobody=${FLEET_SUBNET%.0/24}.250
if fleet_client --address "$nobody" --connect-timeout-ms 2000 -- true 2>/dev/null; then fail "connected to $nobody"; fi
expect_error error "cannot connect to $nobody port 22: no answer within 2.0 s"
elapsed=$(field elapsed_ms)
((elapsed >= 1900 && elapsed < 4000)) || fail "connect gave up after $elapsed ms, not about 2000"

echo "== a host that goes silent fails at the IO timeout; a quiet live one does not"
fleet_client --address "$h2" --io-timeout-ms 5000 -- 'sleep 9; echo still here' >"$work/quiet" 2>/dev/null ||
  fail "a live but quiet command hit the IO timeout: $(field error)"
[[ $(cat "$work/quiet") == "still here" ]] || fail "quiet command output: $(cat "$work/quiet")"
(sleep 2 && ip netns exec "$FLEET_NAME-h3" ip link set eth0 down) &
if fleet_client --address "$h3" --io-timeout-ms 5000 -- 'sleep 60' 2>/dev/null; then fail "a dead host did not time out"; fi
wait
ip netns exec "$FLEET_NAME-h3" ip link set eth0 up
expect_error error "the peer has been silent for 5.0 s while reading the output of 'sleep 60'"
elapsed=$(field elapsed_ms)
((elapsed < 12000)) || fail "dead host noticed only after $elapsed ms"

echo "== authentication errors name host, user and what was tried"
ssh-keygen -q -t ed25519 -N '' -f "$work/stranger"
if client --known-hosts "$FLEET_KNOWN_HOSTS" --identity "$work/stranger" --address "$h1" -- true 2>/dev/null; then
  fail "a key the host does not know got in"
fi
expect_error authentication "root@$h1:22: authentication as 'root' failed"
expect_error authentication "tried identity $work/stranger (ssh-ed25519): refused by the server"
expect_error authentication "tried ssh-agent: SSH_AUTH_SOCK is not set"
if client --known-hosts "$FLEET_KNOWN_HOSTS" --identity "$work/missing" --address "$h1" -- true 2>/dev/null; then
  fail "a missing identity got in"
fi
expect_error authentication "tried identity $work/missing: missing, empty or unreadable"
# Even an authorized RSA key fails: the error says why.
ssh-keygen -q -t rsa -b 2048 -N '' -f "$work/rsa"
cat "$work/rsa.pub" >>"$FLEET_DIR/id_ed25519.pub"
if client --known-hosts "$FLEET_KNOWN_HOSTS" --identity "$work/rsa" --address "$h1" -- true 2>/dev/null; then
  fail "RSA unexpectedly worked"
fi
expect_error authentication "RSA keys do not work against OpenSSH 8.8 or later"

echo "== ssh-agent keys come first"
ssh-agent -a "$work/agent.sock" >"$work/agent.env"
agent_pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$work/agent.env")
fleet_on_exit "kill $agent_pid 2>/dev/null"
SSH_AUTH_SOCK=$work/agent.sock ssh-add -q "$FLEET_IDENTITY" 2>/dev/null
in_deployer env SSH_AUTH_SOCK="$work/agent.sock" "$SSH_CLIENT" --user root --report "$report" \
  --known-hosts "$FLEET_KNOWN_HOSTS" --identity "$work/stranger" --address "$h1" -- echo agent >"$work/agent.out" 2>/dev/null ||
  fail "agent login failed: $(field error)"
[[ $(cat "$work/agent.out") == agent ]] || fail "agent session output: $(cat "$work/agent.out")"

echo "ssh session test passed"
