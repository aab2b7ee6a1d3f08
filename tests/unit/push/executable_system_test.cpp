#include "push/executable_system.hpp"
#include "support/temporary_directory.hpp"
#include "util/error.hpp"

#include <array>
#include <doctest/doctest.h>
#include <fstream>
#include <sys/utsname.h>

using shoal::push::executable_system;
using shoal::push::system_from_uname;

namespace {

// The first 20 bytes of an ELF file: identification, e_type, e_machine.
std::filesystem::path elf_header(const TemporaryDirectory& dir, unsigned char elf_class,
                                 unsigned char data, unsigned machine) {
    std::array<unsigned char, 20> bytes{0x7f, 'E', 'L', 'F', elf_class, data, 1};
    bytes[16] = 2; // ET_EXEC
    const bool little = data == 1;
    bytes[18] = static_cast<unsigned char>(little ? machine & 0xff : machine >> 8);
    bytes[19] = static_cast<unsigned char>(little ? machine >> 8 : machine & 0xff);
    const auto path = dir.path() / ("elf-" + std::to_string(machine));
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
}

} // namespace

TEST_CASE("an executable's system comes from its ELF header") {
    TemporaryDirectory dir;
    CHECK(executable_system(elf_header(dir, 2, 1, 62)) == "x86_64-linux");
    CHECK(executable_system(elf_header(dir, 2, 1, 183)) == "aarch64-linux");
    CHECK(executable_system(elf_header(dir, 1, 1, 3)) == "i686-linux");
    CHECK(executable_system(elf_header(dir, 1, 1, 40)) == "armv7l-linux");
    CHECK(executable_system(elf_header(dir, 2, 1, 243)) == "riscv64-linux");
    // Big-endian byte order is read as such.
    CHECK(executable_system(elf_header(dir, 2, 2, 183)) == "aarch64-linux");
    CHECK_THROWS_AS(executable_system(elf_header(dir, 2, 1, 2)), shoal::util::UsageError);

    std::ofstream(dir.path() / "script") << "#!/bin/sh\necho not a binary\n";
    CHECK_THROWS_WITH_AS(executable_system(dir.path() / "script"),
                         doctest::Contains("is not an ELF executable"), shoal::util::UsageError);
    CHECK_THROWS_AS(executable_system(dir.path() / "missing"), shoal::util::UsageError);
}

TEST_CASE("this test's own binary is of this machine's system") {
    utsname names{};
    REQUIRE(::uname(&names) == 0);
    const auto expected = system_from_uname(std::string(names.sysname) + " " + names.machine);
    REQUIRE_FALSE(expected.empty());
    CHECK(executable_system("/proc/self/exe") == expected);
}

TEST_CASE("uname -sm names the Nix system") {
    CHECK(system_from_uname("Linux x86_64\n") == "x86_64-linux");
    CHECK(system_from_uname("Linux aarch64") == "aarch64-linux");
    CHECK(system_from_uname("Linux armv7l\n") == "armv7l-linux");
    CHECK(system_from_uname("Linux i586") == "i686-linux");
    CHECK(system_from_uname("Darwin arm64\n") == "aarch64-darwin");
    CHECK(system_from_uname("Darwin x86_64") == "x86_64-darwin");
    CHECK(system_from_uname("FreeBSD amd64").empty());
    CHECK(system_from_uname("garbage").empty());
    CHECK(system_from_uname("").empty());
}
