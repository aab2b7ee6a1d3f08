#!/usr/bin/env bash
# A garbage collection on the deployer between the diff and the staging. To
# make the race certain, h2's diff is held (its nix-store, reached through a
# --remote-nix-store wrapper, waits for a go) while the test deletes the
# closure from the deployer's store with the push in flight:
#   1. `nix-store --delete` is refused (shoal pins what it pushes with
#      temporary GC roots) and the push succeeds;
#   2. so is `nix-store --delete --ignore-liveness`, and a path removed
#      behind Nix's back ends the push with a clear one-line error naming
#      the path, exit code 1, no crash.
source "$(dirname "$0")/fleet.sh"
source "$(dirname "$0")/fault_fleet_checks.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 3
cd "$TEST_TMP"
read -ra address <<<"$FLEET_ADDRESSES"

# hold_first_serve GATE: the wrapper holds h2's first nix-store --serve (the
# push's one connection to it, which pins and diffs) until GATE/go exists,
# saying so with GATE/held; any later one goes through at once.
hold_first_serve() {
  local gate=$TEST_TMP/$1
  mkdir -p "$gate"
  cat >nix-store-wrapper <<EOF
#!/bin/sh
case \$SSH_CONNECTION in
*" ${address[1]} 22")
  n=\$(cat '$gate/count' 2>/dev/null || echo 0)
  echo \$((n + 1)) >'$gate/count'
  if [ "\$n" = 0 ]; then
    touch '$gate/held'
    while [ ! -e '$gate/go' ]; do sleep 0.1; done
  fi ;;
esac
exec nix-store "\$@"
EOF
  chmod +x nix-store-wrapper
}
push_in_background() { # OUT: the push's exit code lands in OUT.rc
  ( timed_push "$1" -i "$FLEET_INVENTORY" --remote-nix-store "$TEST_TMP/nix-store-wrapper" \
    --staging "$TEST_TMP/staging-$1" --remote-staging "$TEST_TMP/remote" result
    echo "$push_rc" >"$1.rc" ) &
}
held() { [[ -e $1/held ]]; }

# 1. A plain delete while h2's diff is held: refused, and the push goes on.
nix_build_test_closure result
closure=$(nix-store -qR result)
top=$(readlink result)
hold_first_serve gate1
push_in_background pinned
wait_for 60 held gate1 || fail "h2's diff was never held: $(tail pinned.txt)"
rm result # no longer rooted here but for the push's own pin
if nix-store --delete "$top" >delete.txt 2>&1; then
  fail "the deployer's store deleted $top while a push was sending it"
fi
grep -q "still alive" delete.txt || fail "the delete failed for another reason: $(cat delete.txt)"
touch gate1/go
wait
(($(cat pinned.rc) == 0)) || fail "the push exited $(cat pinned.rc): $(tail pinned.txt)"
for n in 1 2 3; do assert_has_closure $n "$closure"; done

# 2. Even `--ignore-liveness` respects the pin: only removing a path behind
# Nix's back can take it now. The push ends with a clear error, exit code 1.
nix_build_test_closure result
top=$(readlink result)
data=$(nix-store -qR "$top" | grep -- '-shoal-test-data$')
hold_first_serve gate2
push_in_background deleted
wait_for 60 held gate2 || fail "h2's diff was never held: $(tail deleted.txt)"
! nix-store --delete --ignore-liveness "$top" >/dev/null 2>&1 || fail "the pin was ignored"
chmod -R u+w "$data"
rm -rf "$data"
touch gate2/go
wait
(($(cat deleted.rc) == 1)) || fail "the push exited $(cat deleted.rc), expected 1: $(tail deleted.txt)"
message=$(tail -n 1 deleted.txt)
[[ $message == *"cannot stage /nix/store/"*"from the deployer's store"*"nix-store --verify-path"* ]] ||
  fail "unclear error: $(tail deleted.txt)"
echo "$message"
assert_fleet_sound
echo "fault_gc_race_test: ok"
