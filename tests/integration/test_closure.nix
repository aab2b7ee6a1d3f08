# A small closure with real references, new on every build (nonce): six
# store paths with directories, executables, symlinks, empty files and a
# multi-megabyte file. Only /bin tools and no stdenv: builds in seconds.
# bigKind "text" makes the big file compressible (numbered lines) instead.
{ nonce, bigMiB ? 3, bigKind ? "random" }:
let
  build = import ./shell_derivation.nix nonce;

  # A directory with a big random file.
  data = build "shoal-test-data" ''
    mkdir -p $out/share/data
    ${if bigKind == "text"
      then "seq 1 100000000 | head -c ${toString (bigMiB * 1048576)} > $out/share/data/blob"
      else "dd if=/dev/urandom of=$out/share/data/blob bs=1M count=${toString bigMiB} 2>/dev/null"}
    echo "$nonce" > $out/share/data/nonce
  '' { };

  # A library-like directory with an executable and an empty file and directory.
  lib = build "shoal-test-lib" ''
    mkdir -p $out/lib $out/bin $out/empty-dir
    echo "library $nonce" > $out/lib/libshoal.txt
    printf '#!/bin/sh\necho helper\n' > $out/bin/helper
    chmod +x $out/bin/helper
    : > $out/lib/empty-file
  '' { };

  # A single regular file (no directory) referencing data.
  note = build "shoal-test-note" ''
    echo "note $nonce uses $data" > $out
  '' { inherit data; };

  # An application: executable referencing lib and note, symlinks, subdirectories.
  app = build "shoal-test-app" ''
    mkdir -p $out/bin $out/etc/deep/deeper
    printf '#!/bin/sh\nexec %s/bin/helper "$@"\n# %s\n' "$lib" "$note" > $out/bin/app
    chmod +x $out/bin/app
    ln -s $data/share $out/share
    ln -s ../bin/app $out/etc/deep/deeper/app-link
    echo "config $nonce" > $out/etc/config
  '' { inherit lib note data; };

  # A store path that is itself a symlink.
  link = build "shoal-test-link" ''
    ln -s $app/bin/app $out
  '' { inherit app; };
in
build "shoal-test-top" ''
  mkdir -p $out
  ln -s $app $out/app
  ln -s $link $out/link
  echo "$note" > $out/note-path
'' { inherit app link note; }
