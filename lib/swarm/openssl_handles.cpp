#include "swarm/openssl_handles.hpp"

#include "util/error.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace shoal::swarm {

void PkeyDeleter::operator()(EVP_PKEY* key) const {
    EVP_PKEY_free(key);
}

void X509Deleter::operator()(X509* certificate) const {
    X509_free(certificate);
}

void BioDeleter::operator()(BIO* bio) const {
    BIO_free(bio);
}

void PkeyContextDeleter::operator()(EVP_PKEY_CTX* context) const {
    EVP_PKEY_CTX_free(context);
}

void throw_openssl_error(const std::string& what) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    std::string reason = "unknown OpenSSL error";
    if (code != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        reason = buffer;
    }
    throw util::Error(what + ": " + reason);
}

BioPtr make_memory_bio() {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) {
        throw_openssl_error("allocating a memory BIO");
    }
    return bio;
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

} // namespace shoal::swarm
