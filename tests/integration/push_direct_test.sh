#!/usr/bin/env bash
# `shoal push --direct` on a real namespace fleet (sshd + its own /nix per
# host): a closure reaches every host intact, a rerun moves nothing, a host
# that has part of the closure gets only the rest, bad host keys and dead
# addresses fail alone, and per-host closures from the inventory are honoured.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 5
cd "$TEST_TMP"
nix_build_test_closure result
closure=$(nix-store -qR result)
count=$(wc -l <<<"$closure")
((count >= 5)) || fail "the test closure has only $count paths"
read -ra address <<<"$FLEET_ADDRESSES"
ghost=${FLEET_SUBNET%.0/24}.250 # on the fleet's bridge, nobody there

assert_lacks() { # host number, paths: none of them valid there
  local n=$1 path
  for path in $2; do
    ! on_host "$n" nix-store --check-validity "$path" 2>/dev/null || fail "h$n has $path"
  done
}
write_inventory() { # file, known_hosts, then "name address [closure]" lines on stdin
  local file=$1 known=$2 name addr root
  printf 'defaults:\n  user: root\n  identity: %s\n  known_hosts: %s\nhosts:\n' \
    "$FLEET_IDENTITY" "$known" >"$file"
  while read -r name addr root; do
    printf '  %s:\n    address: %s\n' "$name" "$addr" >>"$file"
    [[ -z $root ]] || printf '    closure: %s\n' "$root" >>"$file"
  done
}
push() { # push INVENTORY ARGS...: JSON events to push.json, human text to push.txt
  local inventory=$1
  shift
  set +e
  in_deployer "$SHOAL" push --direct -i "$inventory" --json "$@" >push.json 2>push.txt
  push_rc=$?
  set -e
}
event() { # event TYPE HOST: that host's event of that type
  jq -c "select(.event == \"$1\" and .host == \"$2\")" push.json
}

# h2 already holds part of the closure: the lib path and what it references.
lib_path=$(grep -- '-shoal-test-lib$' <<<"$closure")
lib_closure=$(nix-store -qR "$lib_path")
NIX_SSHOPTS="$FLEET_SSH_OPTIONS" in_deployer nix-copy-closure --to "root@${address[1]}" "$lib_path"
assert_has_closure 2 "$lib_closure"

# h5's known_hosts entry holds another key than h5 offers.
ssh-keygen -q -t ed25519 -N '' -f other_key
grep -v "^${address[4]} " "$FLEET_KNOWN_HOSTS" >wrong_known_hosts
echo "${address[4]} $(cut -d' ' -f1,2 other_key.pub)" >>wrong_known_hosts

# 1. Four good hosts, one with a changed key, one dead address.
write_inventory fleet.yaml "$TEST_TMP/wrong_known_hosts" <<EOT
h1 ${address[0]}
h2 ${address[1]}
h3 ${address[2]}
h4 ${address[3]}
h5 ${address[4]}
ghost $ghost
EOT
start=$(date +%s)
push fleet.yaml --connect-timeout 3 result
elapsed=$(($(date +%s) - start))
((push_rc == 1)) || fail "push with failing hosts exited $push_rc, expected 1: $(cat push.txt)"
for n in 1 2 3 4; do
  [[ -n $(event host-done h$n) ]] || fail "h$n did not finish: $(cat push.txt)"
  assert_has_closure $n "$closure"
done
[[ $(event host-diff h1 | jq '.missing_paths | length') == "$count" ]] || fail "h1 should need all paths"
h2_missing=$(event host-diff h2 | jq -r '.missing_paths[]' | sort)
[[ $h2_missing == "$(comm -23 <(sort <<<"$closure") <(sort <<<"$lib_closure"))" ]] ||
  fail "h2 should need only what it lacked, got: $h2_missing"
[[ $(jq -c 'select(.event == "path-copied" and .host == "h2")' push.json | wc -l) == \
  "$(wc -l <<<"$h2_missing")" ]] || fail "h2 received more than it lacked"
event host-failed h5 | jq -r .error | grep -q 'SHA256:' || fail "h5's error names no fingerprint: $(event host-failed h5)"
event host-failed h5 | jq -r .error | grep -qi 'host key' || fail "h5's error is not about its host key"
assert_lacks 5 "$closure"
[[ -n $(event host-failed ghost) ]] || fail "the dead address did not fail"
ghost_seconds=$(event host-failed ghost | jq .seconds)
jq -e ". < 6" <<<"$ghost_seconds" >/dev/null || fail "the dead address took $ghost_seconds s (timeout 3 s)"
((elapsed < 60)) || fail "the push took ${elapsed}s"
jq -e 'select(.event == "summary") | .ok == 4 and .failed == 2' push.json >/dev/null ||
  fail "wrong summary: $(tail -n1 push.json)"
grep -q 'ghost' push.txt && grep -q 'FAILED' push.txt || fail "the human summary misses the failures"

# 2. A rerun moves nothing.
push fleet.yaml --hosts 'h[1-4]' result
((push_rc == 0)) || fail "rerun exited $push_rc: $(cat push.txt)"
[[ -z $(jq -c 'select(.event == "path-copied")' push.json) ]] || fail "the rerun copied paths"
[[ $(jq -c 'select(.event == "host-diff" and (.missing_paths | length) == 0)' push.json | wc -l) == 4 ]] ||
  fail "the rerun found missing paths"

# 3. An unknown host is refused, then accepted (and recorded) with --accept-new-host-keys.
grep -v "^${address[4]} " "$FLEET_KNOWN_HOSTS" >partial_known_hosts
write_inventory unknown.yaml "$TEST_TMP/partial_known_hosts" <<<"h5 ${address[4]}"
push unknown.yaml result
((push_rc == 1)) || fail "an unknown host was not refused"
event host-failed h5 | jq -r .error | grep -qi 'known_hosts' || fail "the refusal does not say why"
assert_lacks 5 "$closure"
push unknown.yaml --accept-new-host-keys result
((push_rc == 0)) || fail "--accept-new-host-keys did not accept: $(cat push.txt)"
assert_has_closure 5 "$closure"
[[ $(wc -l <partial_known_hosts) -gt $(grep -vc "^${address[4]} " "$FLEET_KNOWN_HOSTS") ]] ||
  fail "the new host key was not recorded"

# 4. Per-host closures: h1 gets a second closure from the inventory, h3 only the command's.
nix_build_test_closure other
other=$(nix-store -qR other)
write_inventory per-host.yaml "$FLEET_KNOWN_HOSTS" <<EOT
h1 ${address[0]} $(readlink other)
h3 ${address[2]}
EOT
push per-host.yaml result
((push_rc == 0)) || fail "per-host push exited $push_rc: $(cat push.txt)"
assert_has_closure 1 "$other"
assert_lacks 3 "$other"

# 5. Usage errors exit 2 without touching any host.
push fleet.yaml
((push_rc == 2)) || fail "a push without paths exited $push_rc"
grep -q "has no closure" push.txt || fail "no closure: unclear message: $(cat push.txt)"
push fleet.yaml /nonexistent
((push_rc == 2)) || fail "a push of a nonexistent path exited $push_rc"

# 6. Too few descriptors allowed for a connection per host: said at once, nothing moved.
set +e
in_deployer bash -c 'ulimit -Sn 64 && ulimit -Hn 64 && exec "$@"' shoal "$SHOAL" push --direct \
  -i fleet.yaml result >limit.txt 2>&1
limit_rc=$?
set -e
((limit_rc == 1)) || fail "a push over the descriptor limit exited $limit_rc: $(cat limit.txt)"
grep -q "needs about [0-9]* open files, but this process may open at most 64" limit.txt ||
  fail "descriptor limit: unclear message: $(cat limit.txt)"
echo "push_direct_test: ok"
