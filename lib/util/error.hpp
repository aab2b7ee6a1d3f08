#pragma once

#include <stdexcept>
#include <string>

namespace shoal::util {

// Base of every error shoal reports to a user. The message is complete and
// meant to be printed as is: it names what went wrong and where.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The user asked for something impossible (bad flag, bad inventory): exit code 2.
class UsageError : public Error {
public:
    using Error::Error;
};

// errno-based failure of a system call, with the call's context.
class SystemError : public Error {
public:
    SystemError(const std::string& what, int error_number);
    int error_number() const { return error_number_; }

private:
    int error_number_;
};

// Throws SystemError for the current errno.
[[noreturn]] void throw_errno(const std::string& what);

} // namespace shoal::util
