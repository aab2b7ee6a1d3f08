# shellcheck shell=bash
# Helpers for integration tests against the real Nix store; source this file.
#
#   on_exit 'command'         runs command when the test exits, however it exits
#                             (last registered runs first).
#   fail message...           prints the message and exits 1.
#   wait_for SECONDS CMD...   runs CMD until it succeeds; returns 1 if it still
#                             fails after SECONDS.
#   nix_test_setup            makes $TEST_TMP and a NIX_CONF_DIR for running Nix as
#                             root without build users, sandbox or substituters.
#   nix_build_test_closure OUT_LINK
#                             builds a closure of six new store paths (references,
#                             executables, symlinks, subdirectories, a 3 MiB file)
#                             with OUT_LINK pointing at its top; deletes them on exit.
#                             NIX_TEST_BIG_MIB=N makes the big file N MiB;
#                             NIX_TEST_BIG_KIND=text makes it compressible.
#   closure_nar_bytes OUT_LINK
#                             the NAR size of OUT_LINK's closure, in bytes.
#   chroot_store_setup DIR    registers DIR (a `nix-store --store DIR` chroot store)
#                             for deletion on exit.

set -euo pipefail
# shellcheck source=scripts/nix-conf.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/nix-conf.sh"

# Loaded once per test (fleet.sh and swarm_common.sh both source it): loading
# it again would drop the exit commands registered so far.
[[ -z ${shoal_test_lib_loaded:-} ]] || return 0
shoal_test_lib_loaded=1

SHOAL_SOURCE_DIR=${SHOAL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
test_exit_commands=()

test_run_exit_commands() {
  local rc=$? i
  for ((i = ${#test_exit_commands[@]} - 1; i >= 0; i--)); do
    eval "${test_exit_commands[i]}" || true
  done
  return $rc
}
trap test_run_exit_commands EXIT
# Killed by a signal (Ctrl-C, a CTest timeout): still clean up.
trap "exit 130" INT TERM HUP

on_exit() {
  test_exit_commands+=("$1")
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

nix_test_setup() {
  TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/shoal-test.XXXXXX")
  on_exit "rm -rf '$TEST_TMP'"
  use_nix_conf "$TEST_TMP/nix-conf"
  nix-store --version >/dev/null || fail "nix-store does not run with NIX_CONF_DIR=$NIX_CONF_DIR"
}

# Deletes the given store paths and their derivations, nothing else: other
# tests share the store.
nix_delete_paths() {
  local drvs
  drvs=$(nix-store -q --deriver "$@" 2>/dev/null | grep -v '^unknown-deriver$' || true)
  # shellcheck disable=SC2086
  nix-store --delete "$@" $drvs >/dev/null 2>&1 || true
}

nix_build_test_closure() {
  local out_link=$1 nonce paths
  nonce=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
  nix-build --quiet "$SHOAL_SOURCE_DIR/tests/integration/test_closure.nix" \
    --argstr nonce "$nonce" --arg bigMiB "${NIX_TEST_BIG_MIB:-3}" \
    --argstr bigKind "${NIX_TEST_BIG_KIND:-random}" -o "$out_link" >/dev/null
  paths=$(nix-store -qR "$out_link" | tr '\n' ' ')
  on_exit "rm -f '$out_link'; nix_delete_paths $paths"
}

# closure_nar_bytes OUT_LINK: the NAR size of OUT_LINK's closure, in bytes.
closure_nar_bytes() {
  nix-store -qR "$1" | xargs nix-store -q --size | awk '{ s += $1 } END { print s }'
}

chroot_store_setup() {
  local dir=$1
  # Store paths are read-only; make them deletable first.
  on_exit "chmod -R u+w '$dir' 2>/dev/null; rm -rf '$dir'"
}
