# A realistic closure for benchmarks, from a plan by scripts/real-closure-manifest:
# one store path per planned package holding copies of its files from /usr,
# each referring to its planned dependencies; the top path refers to all.
# New on every build (nonce). Needs Nix without a sandbox (scripts/nix-conf.sh).
# With `pack` N > 0, the same files go into N store paths instead (package k
# into path k mod N, no references between them): the same bytes in fewer
# paths, to tell what the paths themselves cost.
#
#   nix-build scripts/real_closure.nix --arg manifest ./plan.json --argstr nonce N [--arg pack 10]
{ manifest, nonce, pack ? 0 }:
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
  count = builtins.length plan.packages;
  # One path per group of packages; its file list is too long for one
  # environment variable, so it goes in a file (one name a line).
  group = g: builtins.filter (k: k - (k / pack) * pack == g) (builtins.genList (k: k) count);
  packed = g: build "shoal-real-packed-${toString g}" ''
    while read -r f; do
      mkdir -p "$out$(dirname "$f")"
      cp "$f" "$out$f"
    done < "$filesPath"
    echo "$nonce" > "$out/.shoal-real"
  '' {
    files = builtins.concatStringsSep "\n"
      (builtins.concatMap (k: (builtins.elemAt plan.packages k).files) (group g)) + "\n";
    passAsFile = [ "files" ];
  };
  packages = if pack > 0 then builtins.genList packed pack
    else builtins.genList (k: package k (builtins.elemAt plan.packages k)) count;
in
build "shoal-real-closure" ''
  echo "$nonce $packages" > $out
'' { inherit packages; }
