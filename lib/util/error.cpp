#include "util/error.hpp"

#include <cerrno>
#include <cstring>

namespace shoal::util {

SystemError::SystemError(const std::string& what, int error_number)
    : Error(what + ": " + std::strerror(error_number)), error_number_(error_number) {}

void throw_errno(const std::string& what) {
    throw SystemError(what, errno);
}

} // namespace shoal::util
