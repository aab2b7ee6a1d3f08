#pragma once

#include <memory>
#include <openssl/types.h>
#include <string>

namespace shoal::swarm {

// Owning handles for OpenSSL objects: each frees its object exactly once.
struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const;
};
struct X509Deleter {
    void operator()(X509* certificate) const;
};
struct BioDeleter {
    void operator()(BIO* bio) const;
};
struct PkeyContextDeleter {
    void operator()(EVP_PKEY_CTX* context) const;
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using PkeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;

// Throws util::Error naming `what` and OpenSSL's queued error reason.
[[noreturn]] void throw_openssl_error(const std::string& what);

// A fresh in-memory BIO, and everything written to one as a string.
BioPtr make_memory_bio();
std::string bio_contents(BIO* bio);

} // namespace shoal::swarm
