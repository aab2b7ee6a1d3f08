#!/usr/bin/env bash
# Broken remote sides on a 5-host fleet, each failing its own host alone,
# with an error that names the host, what is wrong there and what to do:
# h2's PATH lacks nix-store, h3's Nix speaks another serve protocol version,
# h4's answers garbage after the handshake, and h5's login prints a banner
# to stdout. h1 gets the closure. Then --remote-nix-store naming a program
# that does not exist fails a host the same clear way.
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/fault_fleet_checks.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 5
cd "$TEST_TMP"
nix_build_test_closure result
closure=$(nix-store -qR result)

# restart_sshd N: host N's sshd rereads its sshd_config (SIGHUP re-executes
# it in place, in its namespaces); waits until it answers again.
restart_sshd() {
  local pid
  pid=$(host_sshd_pid "$1")
  kill -HUP "$pid"
  wait_for 10 on_host "$1" true >/dev/null 2>&1 || fail "h$1's sshd did not come back"
}
# fake_nix_store N SCRIPT: host N's nix-store (and nix) is SCRIPT, for its sessions only.
fake_nix_store() {
  local n=$1 fake=$TEST_TMP/fake-nix-h$1
  printf '#!/bin/sh\n%s\n' "$2" >"$fake"
  chmod +x "$fake"
  # /usr/bin/nix-store is a symlink to nix: the bind mount lands on nix.
  in_host_mounts "$n" mount --bind "$fake" "$(readlink -f /usr/bin/nix-store)"
  fleet_on_exit "in_host_mounts $n umount '$(readlink -f /usr/bin/nix-store)' 2>/dev/null || true"
}
# Serve-protocol words, little-endian: the server's magic, and versions.
magic='\313\356\122\124\0\0\0\0'

for n in 2 5; do cp "$FLEET_DIR/hosts/h$n/sshd_config" "sshd_config.h$n"; done
sed -i 's|^SetEnv .*|& PATH=/nonexistent|' "$FLEET_DIR/hosts/h2/sshd_config"
restart_sshd 2
fake_nix_store 3 "printf '$magic\\4\\2\\0\\0\\0\\0\\0\\0'; exec cat >/dev/null"
fake_nix_store 4 "printf '$magic\\7\\2\\0\\0\\0\\0\\0\\0'; head -c 65536 /dev/urandom; exec cat >/dev/null"
cat >>"$FLEET_DIR/hosts/h5/sshd_config" <<'EOF'
ForceCommand echo "Welcome to h5, $USER!"; eval "$SSH_ORIGINAL_COMMAND"
EOF
restart_sshd 5

reason() { # HOST: why it failed
  event broken host-failed "$FLEET_NAME-h$1" | jq -r .error
}
assert_reason() { # N PATTERN WHAT: host N failed and its reason matches the extended regex
  local why
  why=$(reason "$1")
  [[ -n $why ]] || fail "h$1 did not fail ($3): $(grep -- "-h$1" broken.txt)"
  tr '\n' ' ' <<<"$why" | grep -Eq -- "$2" || fail "h$1's reason does not say $3: $why"
  echo "h$1: $why"
}

timed_push broken -i "$FLEET_INVENTORY" --io-timeout 10 \
  --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" result
((push_rc == 1)) || fail "the push exited $push_rc, expected 1: $(tail broken.txt)"
((push_seconds < 60)) || fail "the push took $push_seconds s"
[[ -n $(event broken host-done "$FLEET_NAME-h1") ]] || fail "h1 did not finish: $(tail broken.txt)"
assert_has_closure 1 "$closure"
read -ra addresses <<<"$FLEET_ADDRESSES"
for n in 2 3 5; do
  grep -q -- "${addresses[n - 1]}" <<<"$(reason $n)" || fail "h$n's reason names no host: $(reason $n)"
done
assert_reason 2 "nix-store.*cannot start there.*not found.*install Nix" "that nix-store is missing"
assert_reason 3 "protocol version 0x204.*(upgrade|Nix 2\.5)" "which version it speaks"
assert_reason 4 "malformed reply" "that the reply is garbage"
assert_reason 5 "Welcome to h5.*(\.bashrc|login)" "what the login printed and where to look"

# --remote-nix-store naming a program that is not there.
timed_push missing -i "$FLEET_INVENTORY" --hosts "$FLEET_NAME-h1" --remote-nix-store /nonexistent/nix-store \
  --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" result
((push_rc == 1)) || fail "the push with a missing nix-store exited $push_rc: $(tail missing.txt)"
why=$(event missing host-failed "$FLEET_NAME-h1" | jq -r .error)
grep -Eq -- "/nonexistent/nix-store.*cannot start there.*--remote-nix-store" <<<"$why" ||
  fail "a missing --remote-nix-store is not named: $why"
echo "h1 (--remote-nix-store /nonexistent/nix-store): $why"

# A store that answers "busy" twice, as Nix does when its database is caught
# recovering: h2 is tried again until it answers, and gets the closure.
cat >busy-nix-store <<EOF
#!/bin/sh
n=\$(cat '$TEST_TMP/busy-count' 2>/dev/null || echo 0)
echo \$((n + 1)) >'$TEST_TMP/busy-count'
if [ "\$n" -lt 2 ]; then
  echo "error: SQLite database '/nix/var/nix/db/db.sqlite' is busy" >&2
  exit 1
fi
exec nix-store "\$@"
EOF
chmod +x busy-nix-store
nix_build_test_closure busy-result
timed_push busy -i "$FLEET_INVENTORY" --hosts "$FLEET_NAME-h1" --remote-nix-store "$TEST_TMP/busy-nix-store" \
  --staging "$TEST_TMP/staging" --remote-staging "$TEST_TMP/remote" busy-result
((push_rc == 0)) || fail "the push to a busy store exited $push_rc: $(tail busy.txt)"
(($(cat busy-count) >= 3)) || fail "the busy store was asked $(cat busy-count) times"
grep -q "is busy; trying again" busy.txt || fail "the retries are not told: $(tail busy.txt)"
assert_has_closure 1 "$(nix-store -qR busy-result)"
echo "h1 (busy twice): $(grep -m1 "trying again" busy.txt)"

for n in 3 4; do in_host_mounts $n umount "$(readlink -f /usr/bin/nix-store)"; done
for n in 2 5; do
  cp "sshd_config.h$n" "$FLEET_DIR/hosts/h$n/sshd_config"
  restart_sshd $n
done
assert_fleet_sound
echo "fault_remote_test: ok"
