#include "push/executable_system.hpp"

#include "util/error.hpp"

#include <array>
#include <cstdint>
#include <elf.h>
#include <fmt/format.h>
#include <fstream>

namespace shoal::push {
namespace {

struct Machine {
    std::uint16_t elf_machine;
    unsigned char elf_class;
    const char* cpu; // as Nix and uname -m name it
};

constexpr std::array machines{
    Machine{EM_X86_64, ELFCLASS64, "x86_64"}, Machine{EM_AARCH64, ELFCLASS64, "aarch64"},
    Machine{EM_386, ELFCLASS32, "i686"},      Machine{EM_ARM, ELFCLASS32, "armv7l"},
    Machine{EM_RISCV, ELFCLASS64, "riscv64"}, Machine{EM_PPC64, ELFCLASS64, "powerpc64le"},
};

} // namespace

std::string executable_system(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw util::UsageError(fmt::format("cannot read {} as a program", file.string()));
    }
    std::array<unsigned char, EI_NIDENT + 4> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    if (in.gcount() != static_cast<std::streamsize>(header.size()) || header[EI_MAG0] != ELFMAG0 ||
        header[EI_MAG1] != ELFMAG1 || header[EI_MAG2] != ELFMAG2 || header[EI_MAG3] != ELFMAG3) {
        throw util::UsageError(
            fmt::format("{} is not an ELF executable (a shoal binary for Linux)", file.string()));
    }
    // e_type (2 bytes), then e_machine (2 bytes), in the file's byte order.
    const bool little = header[EI_DATA] == ELFDATA2LSB;
    const auto at = EI_NIDENT + 2;
    const auto machine = static_cast<std::uint16_t>(little ? header[at] | (header[at + 1] << 8)
                                                           : (header[at] << 8) | header[at + 1]);
    for (const auto& known : machines) {
        if (known.elf_machine == machine && known.elf_class == header[EI_CLASS]) {
            return fmt::format("{}-linux", known.cpu);
        }
    }
    throw util::UsageError(fmt::format("{} is an ELF executable for machine {} (class {}), which "
                                       "shoal cannot name as a Nix system",
                                       file.string(), machine, header[EI_CLASS]));
}

std::string system_from_uname(std::string_view uname) {
    while (!uname.empty() &&
           (uname.back() == '\n' || uname.back() == '\r' || uname.back() == ' ')) {
        uname.remove_suffix(1);
    }
    const auto space = uname.find(' ');
    if (space == std::string_view::npos) {
        return {};
    }
    const auto kernel = uname.substr(0, space);
    auto cpu = uname.substr(space + 1);
    if (kernel == "Darwin" && cpu == "arm64") {
        cpu = "aarch64";
    }
    if (cpu == "armv6l" || cpu == "armv7l" || cpu == "i686" || cpu == "x86_64" ||
        cpu == "aarch64" || cpu == "riscv64" || cpu == "powerpc64le") {
        if (kernel == "Linux") {
            return fmt::format("{}-linux", cpu);
        }
        if (kernel == "Darwin") {
            return fmt::format("{}-darwin", cpu);
        }
    }
    if (kernel == "Linux" && (cpu == "i386" || cpu == "i586")) {
        return "i686-linux";
    }
    return {};
}

} // namespace shoal::push
