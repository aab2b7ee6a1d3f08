# A small "system" for the deploy tests, new on every build (nonce): three
# store paths, top -> tools -> data. Only /bin tools and no stdenv.
#
#   $out/bin/activate  writes /nix/var/shoal-test/marker ("$out label"; /nix is
#                      per host on the test fleet), appends "$out label
#                      SHOAL_CLOSURE SHOAL_PROFILE SHOAL_GENERATION" to
#                      /nix/var/shoal-test/activations, then exits 1 when
#                      activateFails (after writing the marker, as a half-done
#                      activation would). Sleeps activateSleep seconds first.
#   $out/bin/check     the health check: succeeds iff healthy and the marker
#                      names this very $out.
{ nonce, label ? "system", healthy ? true, activateFails ? false, activateSleep ? 0, dataKiB ? 64 }:
let
  build = import ./shell_derivation.nix nonce;
  flag = b: if b then "1" else "0";

  # Some incompressible bytes so that the closure has content to move.
  data = build "shoal-sys-data-${label}" ''
    mkdir -p $out/share
    dd if=/dev/urandom of=$out/share/blob bs=1024 count=${toString dataKiB} 2>/dev/null
    echo "${label} $nonce" > $out/share/label
  '' { };

  # The tool that records an activation; references data.
  tools = build "shoal-sys-tools-${label}" ''
    mkdir -p $out/bin
    cat > $out/bin/record <<EOF
    #!/bin/sh
    # record SYSTEM: SYSTEM was activated (label from $data)
    set -e
    label=\$(cut -d' ' -f1 $data/share/label)
    mkdir -p /nix/var/shoal-test
    printf '%s %s\n' "\$1" "\$label" > /nix/var/shoal-test/marker.new
    mv -f /nix/var/shoal-test/marker.new /nix/var/shoal-test/marker
    printf '%s %s %s %s %s\n' "\$1" "\$label" "\''${SHOAL_CLOSURE:--}" "\''${SHOAL_PROFILE:--}" "\''${SHOAL_GENERATION:--}" \
      >> /nix/var/shoal-test/activations
    EOF
    chmod +x $out/bin/record
  '' { inherit data; };
in
build "shoal-sys-${label}" ''
  mkdir -p $out/bin
  cat > $out/bin/activate <<EOF
  #!/bin/sh
  sleep ${toString activateSleep}
  $tools/bin/record $out
  echo "activating ${label}: marker written"
  if [ ${flag activateFails} = 1 ]; then
    echo "activation of ${label} fails on purpose" >&2
    exit 1
  fi
  EOF
  cat > $out/bin/check <<EOF
  #!/bin/sh
  marker=\$(cat /nix/var/shoal-test/marker 2>/dev/null || true)
  if [ ${flag healthy} = 1 ] && [ "\$marker" = "$out ${label}" ]; then
    echo "${label} is healthy"
    exit 0
  fi
  echo "health check of ${label} fails: healthy=${flag healthy}, marker '\$marker'" >&2
  exit 1
  EOF
  chmod +x $out/bin/activate $out/bin/check
'' { inherit tools; }
