# shellcheck shell=bash
# Sourced by the integration tests and the benchmarks.
# use_nix_conf DIR: writes DIR/nix.conf for Nix running as root on this machine,
# without build users, sandbox or substituters, and exports NIX_CONF_DIR=DIR.
use_nix_conf() {
  mkdir -p "$1"
  cat >"$1/nix.conf" <<'CONF'
build-users-group =
sandbox = false
substituters =
experimental-features = nix-command
CONF
  export NIX_CONF_DIR=$1
}
