#include "ssh/privileged_command.hpp"

#include <doctest/doctest.h>

using shoal::ssh::with_sudo;

TEST_CASE("a simple command goes to sudo as it is, so that a rule naming the program allows it") {
    CHECK(with_sudo("nix-store --serve --write") == "sudo -n -- nix-store --serve --write");
    CHECK(with_sudo("/nix/store/abc-shoal/bin/shoal agent") ==
          "sudo -n -- /nix/store/abc-shoal/bin/shoal agent");
}

TEST_CASE("shell syntax runs in sh -c under sudo, quoted whole") {
    CHECK(with_sudo("rm -rf -- '/tmp/x y' && true") ==
          "sudo -n -- sh -c 'rm -rf -- '\\''/tmp/x y'\\'' && true'");
    CHECK(with_sudo("cat > /tmp/f") == "sudo -n -- sh -c 'cat > /tmp/f'");
    // Two spaces make an empty word: not simple.
    CHECK(with_sudo("a  b") == "sudo -n -- sh -c 'a  b'");
}
