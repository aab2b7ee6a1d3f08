# A realistic closure for benchmarks, from a plan by scripts/real-closure-manifest:
# one store path per planned package holding copies of its files from /usr,
# each referring to its planned dependencies; the top path refers to all.
# New on every build (nonce). Needs Nix without a sandbox (scripts/nix-conf.sh).
#
#   nix-build scripts/real_closure.nix --arg manifest ./plan.json --argstr nonce N
{ manifest, nonce }:
let
  plan = builtins.fromJSON (builtins.readFile manifest);
  build = import ../tests/integration/shell_derivation.nix nonce;
  package = k: spec: build "shoal-real-${toString k}" ''
    for f in $files; do
      mkdir -p "$out$(dirname "$f")"
      cp "$f" "$out$f"
    done
    echo "$nonce $deps" > "$out/.shoal-real"
  '' {
    inherit (spec) files;
    deps = map (d: builtins.elemAt packages d) spec.deps;
  };
  packages = builtins.genList (k: package k (builtins.elemAt plan.packages k))
    (builtins.length plan.packages);
in
build "shoal-real-closure" ''
  echo "$nonce $packages" > $out
'' { inherit packages; }
