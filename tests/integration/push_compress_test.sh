#!/usr/bin/env bash
# `shoal push --compress`: the deployer stages each NAR zstd-compressed once,
# the swarm carries the compressed files, agents decompress while importing and
# Nix checks every NAR hash. On a fleet with 100 Mbit/s links `auto` chooses
# zstd; a compressible closure then leaves the deployer in fewer bytes than its
# NARs; a rerun reuses the staged, compressed NARs; `none` stages plain NARs.
# Direct copies (--direct) through OpenSSH's client compress their SSH
# connections instead; shoal's own SSH (libssh2) never does.
source "$(dirname "$0")/fleet.sh"
: "${SHOAL:?}"

nix_test_setup
fleet_start 9 100mbit
cd "$TEST_TMP"

# A closure whose 24 MiB file is numbered lines: zstd makes it several times smaller.
NIX_TEST_BIG_MIB=24 NIX_TEST_BIG_KIND=text nix_build_test_closure result
closure=$(nix-store -qR result)
paths=$(wc -l <<<"$closure")

push() { # push OUT ARGS...
  local out=$1
  shift
  run_shoal "$out" push -i "$FLEET_INVENTORY" --json --staging "$TEST_TMP/staging" \
    --remote-staging "$TEST_TMP/remote" --linger 10 "$@" "$(readlink result)"
  ((rc == 0)) || fail "push $out failed ($rc): $(tail -n 30 "$out.txt")"
  [[ -z $(jq -c 'select(.event == "host-fallback")' "$out.json") ]] ||
    fail "$out: a host fell back: $(jq -c 'select(.event == "host-fallback")' "$out.json")"
}
staged() { jq -r "select(.event == \"staged\") | .$2" "$1.json"; } # staged OUT FIELD
# The NARs in the pushes' own staging directories, not in the cache beside them.
push_staging() { find "$TEST_TMP/staging" -path "$TEST_TMP/staging/nars" -prune -o -name "$1" -print; }

# 1. zstd to h1 and h2, keeping the staged NARs: compressed files travel, and
# the deployer sends fewer bytes than the closure's NARs.
tx_before=$(deployer_tx)
push first -v --compress zstd --keep-cache --hosts "*-h1,*-h2"
tx=$(($(deployer_tx) - tx_before))
for n in 1 2; do assert_has_closure $n "$closure"; done
[[ $(staged first compression) == zstd ]] || fail "not staged with zstd: $(grep staged first.json)"
nar_bytes=$(staged first nar_bytes)
staged_bytes=$(staged first staged_bytes)
echo "staged $nar_bytes bytes of NARs as $staged_bytes; the deployer sent $tx bytes"
((staged_bytes * 3 < nar_bytes)) || fail "zstd staged $staged_bytes bytes for $nar_bytes of NARs"
((tx < nar_bytes / 2)) || fail "the deployer sent $tx bytes for $nar_bytes bytes of NARs"
(($(push_staging '*.nar.zst' | wc -l) == paths)) ||
  fail "the staging does not hold one .nar.zst per path: $(find "$TEST_TMP/staging" -type f)"
(($(jq -c 'select(.event == "path-imported")' first.json | wc -l) == 2 * paths)) ||
  fail "not every path was imported by an agent"
grep -q "compression: zstd (--compress zstd)" first.txt || fail "the summary does not say zstd"
grep -q "SSH compression of fallback copies: on (--compress zstd)" first.txt ||
  fail "fallback copies would not compress: $(grep "SSH compression" first.txt)"

# 2. The default (auto) on 100 Mbit/s links compresses too, and reuses what
# the first push staged: nothing is compressed again.
push second -v --hosts "*-h1,*-h2,*-h3,*-h4"
for n in 3 4; do assert_has_closure $n "$closure"; done
[[ $(staged second compression) == zstd ]] || fail "auto did not choose zstd"
staged second why | grep -q "auto: the slowest link, .*100 Mbit/s, is slower than zstd" ||
  fail "auto's reason is not the links: $(staged second why)"
(($(grep -c "already there" second.txt) == paths)) ||
  fail "the rerun staged again: $(grep -c "already there" second.txt) of $paths NARs reused"
[[ -z $(push_staging '*.nar*') ]] ||
  fail "the push's staging was kept after a successful push without --keep-cache"
(($(find "$TEST_TMP/staging/nars" -name 'sha256-*.nar.zst' | wc -l) == paths)) ||
  fail "the NAR cache does not hold one file per path: $(ls "$TEST_TMP/staging/nars")"

# 2b. A later closure sharing every path but a new one stages only that one:
# the others come from the NAR cache, compressed already.
echo "extra $$ $RANDOM" >extra.txt
extra=$(nix-store --add extra.txt)
push cached -v --hosts "*-h9" "$extra"
assert_has_closure 9 "$closure"$'\n'"$extra"
(($(staged cached paths) == paths + 1 && $(staged cached reused) == paths)) ||
  fail "the later closure did not reuse the cached NARs: $(grep '"staged"' cached.json)"
(($(grep -c "from the NAR cache" cached.txt) == paths)) ||
  fail "$(grep -c "from the NAR cache" cached.txt) of $paths NARs came from the cache"
grep -q "staged: $((paths + 1)) NARs ($paths reused)" cached.txt ||
  fail "the summary does not say what was reused: $(grep "staged:" cached.txt)"

# 2c. shoal plan estimates with the sizes the cache holds: the first closure's
# needed bytes are what the first push staged, not its NARs.
run_shoal plan-cached plan --json --assume-empty -i "$FLEET_INVENTORY" --hosts "*-h1" \
  --staging "$TEST_TMP/staging" "$(readlink result)"
((rc == 0)) || fail "shoal plan failed ($rc): $(tail -n 20 plan-cached.txt)"
(($(jq .needed_bytes plan-cached.json) == staged_bytes)) ||
  fail "plan needs $(jq .needed_bytes plan-cached.json) bytes, the push staged $staged_bytes"
grep -q "the estimate counts $paths of $paths NARs as staged in $TEST_TMP/staging/nars" \
  plan-cached.txt || fail "plan does not say it used the cache: $(grep compression plan-cached.txt)"

# 3. none: plain NARs, as many bytes as the NARs.
# With --nar-cache-size 0 the cache keeps none of them.
push third --compress none --nar-cache-size 0 --hosts "*-h5"
assert_has_closure 5 "$closure"
[[ $(staged third compression) == none ]] || fail "--compress none compressed"
(($(staged third staged_bytes) == nar_bytes)) || fail "--compress none staged other bytes"
[[ -z $(find "$TEST_TMP/staging/nars" -name '*.nar') ]] ||
  fail "--nar-cache-size 0 kept NARs: $(ls "$TEST_TMP/staging/nars")"

# 4. --direct: NARs go plain through `nix-store --serve`, so on these 100 Mbit/s
# links auto compresses the SSH connection itself (slower than zlib) where
# OpenSSH's client connects (h7); libssh2 (h6) stays plain (its zlib broke
# sessions under load); `none` (h8) does not compress either.
direct() { # direct OUT HOST ARGS...
  local out=$1 host=$2
  shift 2
  tx_before=$(deployer_tx)
  run_shoal "$out" push -v --direct -i "$FLEET_INVENTORY" --hosts "*-$host" "$@" "$(readlink result)"
  ((rc == 0)) || fail "push $out failed ($rc): $(tail -n 30 "$out.txt")"
  tx=$(($(deployer_tx) - tx_before))
  echo "$out: the deployer sent $tx bytes for $nar_bytes bytes of NARs"
}
direct direct-libssh2 h6
assert_has_closure 6 "$closure"
grep -q "SSH compression: on (auto: the slowest link, .*100 Mbit/s, is slower than SSH's zlib" \
  direct-libssh2.txt || fail "auto did not compress SSH: $(grep "SSH compression" direct-libssh2.txt)"
grep -q "connected and authenticated (compression: none)" direct-libssh2.txt ||
  fail "libssh2 negotiated compression: $(grep "authenticated" direct-libssh2.txt)"
((tx > nar_bytes)) || fail "a libssh2 direct copy sent only $tx bytes for $nar_bytes of NARs"
direct direct-openssh h7 --ssh-program ssh
assert_has_closure 7 "$closure"
((tx < nar_bytes / 2)) || fail "a compressed OpenSSH copy sent $tx bytes for $nar_bytes of NARs"
direct direct-plain h8 --compress none
assert_has_closure 8 "$closure"
grep -q "SSH compression: off (--compress none)" direct-plain.txt || fail "none compressed SSH"
((tx > nar_bytes)) || fail "an uncompressed direct copy sent only $tx bytes for $nar_bytes of NARs"

# 5. A wrong value is refused before anything connects.
run_shoal bad push -i "$FLEET_INVENTORY" --compress xz "$(readlink result)"
((rc == 2)) || fail "--compress xz exited $rc"
grep -q -- "--compress must be zstd, none or auto, not 'xz'" bad.txt ||
  fail "unclear error for --compress xz: $(cat bad.txt)"
run_shoal bad-cache push -i "$FLEET_INVENTORY" --nar-cache-size 10G "$(readlink result)"
((rc == 2)) || fail "--nar-cache-size 10G exited $rc"
grep -q -- "--nar-cache-size '10G': unknown unit: use B, KiB, MiB, GiB" bad-cache.txt ||
  fail "unclear error for --nar-cache-size 10G: $(cat bad-cache.txt)"
echo "push_compress_test: all checks passed"
