#!/usr/bin/env bash
# `shoal closure` against the real local Nix store: the same paths as
# `nix-store -qR`, the same NAR hashes and sizes as `nix-store -q`, dependencies
# before dependents, and clear usage errors. Also checks that the serve client
# streams NARs byte for byte as `nix-store --dump` writes them.
source "$(dirname "$0")/lib.sh"
: "${SHOAL:?} ${NIX_SERVE_DRIVER:?}"

nix_test_setup
cd "$TEST_TMP"
nix_build_test_closure result

# Text output: one "path<TAB>nar size<TAB>nar hash" line per path, then the total.
"$SHOAL" closure ./result >text.out
grep -q '^total: 6 paths, ' text.out || fail "unexpected total line: $(tail -1 text.out)"
head -n -1 text.out | cut -f1 | sort >shoal.paths
nix-store -qR result | sort >nix.paths
diff nix.paths shoal.paths || fail "shoal closure lists other paths than nix-store -qR"
while IFS=$'\t' read -r path size hash; do
  [[ $hash == "$(nix-store -q --hash "$path")" ]] || fail "NAR hash of $path differs"
  [[ $size == "$(nix-store -q --size "$path")" ]] || fail "NAR size of $path differs"
done < <(head -n -1 text.out)
total=$(head -n -1 text.out | awk -F'\t' '{ s += $2 } END { print s }')
grep -q "^total: 6 paths, $total bytes " text.out || fail "total is not the sum of NAR sizes"

# JSON output: the same facts, plus references, deriver and signatures.
"$SHOAL" closure --json ./result >closure.json
[[ $(jq '.total_paths' closure.json) == 6 ]] || fail "total_paths is not 6"
[[ $(jq '.total_nar_bytes' closure.json) == "$total" ]] || fail "total_nar_bytes is not $total"
jq -r '.paths[].path' closure.json | sort | diff nix.paths - || fail "JSON paths differ"
position=0
declare -A seen
while read -r path; do
  [[ $(jq -r --arg p "$path" '.paths[] | select(.path == $p) | .nar_hash' closure.json) == \
    "$(nix-store -q --hash "$path")" ]] || fail "JSON NAR hash of $path differs"
  [[ $(jq -r --arg p "$path" '.paths[] | select(.path == $p) | .deriver' closure.json) == \
    "$(nix-store -q --deriver "$path")" ]] || fail "JSON deriver of $path differs"
  diff <(nix-store -q --references "$path" | sort) \
    <(jq -r --arg p "$path" '.paths[] | select(.path == $p) | .references[]' closure.json | sort) ||
    fail "JSON references of $path differ"
  # Dependency order: every reference (other than itself) was listed earlier.
  for reference in $(nix-store -q --references "$path"); do
    [[ $reference == "$path" || -n ${seen[$reference]:-} ]] ||
      fail "$path is listed before its reference $reference"
  done
  seen[$path]=1
  position=$((position + 1))
done < <(jq -r '.paths[].path' closure.json)
[[ $position == 6 ]] || fail "expected 6 paths in dependency order, saw $position"
[[ $(jq -r '.paths[-1].path' closure.json) == "$(readlink result)" ]] ||
  fail "the top path is not last"

# A path inside a store path, and a store path given directly, resolve to it.
app=$(readlink result/app)
"$SHOAL" closure result/app/bin/app >inside.out
[[ $(tail -1 inside.out) == "total: 4 paths, "* ]] || fail "result/app/bin/app: $(tail -1 inside.out)"
[[ $(head -n -1 inside.out | tail -1 | cut -f1) == "$app" ]] || fail "result/app/bin/app is not $app"
"$SHOAL" closure "$app" | cmp - inside.out || fail "store path and path inside it differ"

# DumpStorePath streams exactly what nix-store --dump writes.
mapfile -t closure_paths <nix.paths
for path in "${closure_paths[@]}"; do
  cmp <("$NIX_SERVE_DRIVER" dump "$path") <(nix-store --dump "$path") ||
    fail "NAR of $path differs from nix-store --dump"
done

# Bad arguments: exit 2 and say what is wrong.
expect_usage_error() {
  local expected=$1 rc=0
  shift
  "$SHOAL" closure "$@" >out 2>err || rc=$?
  [[ $rc == 2 ]] || fail "shoal closure $* exited $rc, not 2"
  grep -qF -- "$expected" err || fail "shoal closure $*: no '$expected' in: $(cat err)"
  [[ ! -s out ]] || fail "shoal closure $* printed results"
}
expect_usage_error "'/tmp' is not in the Nix store" /tmp
expect_usage_error "'./nonexistent' does not exist" ./nonexistent
missing=/nix/store/00000000000000000000000000000000-shoal-missing
expect_usage_error "'$missing' is not a valid path in the Nix store" "$missing"
expect_usage_error "illegal character '!'" /nix/store/00000000000000000000000000000000-bad!name
expect_usage_error "needs at least one path"
echo "nix-closure: all checks passed"
