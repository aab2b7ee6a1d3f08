# `shellDerivation nonce name script attrs`: a derivation that /bin/sh builds
# with this machine's /bin and /usr/bin tools, no stdenv, so that test and
# benchmark closures build in seconds; `nonce` makes its output new on every
# build. Needs Nix without a sandbox (scripts/nix-conf.sh).
nonce: name: script: attrs:
derivation ({
  inherit name nonce;
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-e" "-c" script ];
  PATH = "/bin:/usr/bin";
} // attrs)
