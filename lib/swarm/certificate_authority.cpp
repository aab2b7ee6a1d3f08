#include "swarm/certificate_authority.hpp"

#include "util/error.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace shoal::swarm {
namespace {

// Hosts' clocks differ a little; a certificate issued on the deployer must
// already be valid on a target whose clock is slightly behind.
constexpr long clock_skew_seconds = 5 * 60;

PkeyPtr generate_key() {
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) {
        throw_openssl_error("generating an EC P-256 key");
    }
    return key;
}

void set_random_serial(X509* certificate) {
    std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), &BN_free);
    // 127 random bits: unique across deployments and always positive.
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) == nullptr) {
        throw_openssl_error("choosing a certificate serial number");
    }
}

// O=shoal[, OU=unit], CN=common_name
void set_subject_name(X509* certificate, const std::string& common_name,
                      const std::string& unit = "") {
    X509_NAME* name = X509_get_subject_name(certificate);
    const auto add = [&](const char* field, const std::string& value) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(value.c_str());
        if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, -1, -1, 0) != 1) {
            throw_openssl_error("setting certificate subject " + std::string(field) + "=" + value);
        }
    };
    add("O", "shoal");
    if (!unit.empty()) {
        add("OU", unit);
    }
    add("CN", common_name);
}

void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> extension(
        X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()), &X509_EXTENSION_free);
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
        throw_openssl_error("adding certificate extension '" + value + "'");
    }
}

// A version 3 certificate for `key`, signed later; valid until `not_after`.
X509Ptr new_certificate(EVP_PKEY* key, const ASN1_TIME* not_after) {
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
        X509_set_pubkey(certificate.get(), key) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -clock_skew_seconds) == nullptr ||
        X509_set1_notAfter(certificate.get(), not_after) != 1) {
        throw_openssl_error("creating a certificate");
    }
    set_random_serial(certificate.get());
    return certificate;
}

void sign(X509* certificate, EVP_PKEY* issuer_key) {
    if (X509_sign(certificate, issuer_key, EVP_sha256()) == 0) {
        throw_openssl_error("signing a certificate");
    }
}

std::string to_pem(X509* certificate) {
    BioPtr bio = make_memory_bio();
    if (PEM_write_bio_X509(bio.get(), certificate) != 1) {
        throw_openssl_error("encoding a certificate as PEM");
    }
    return bio_contents(bio.get());
}

std::string to_pem(EVP_PKEY* key) {
    BioPtr bio = make_memory_bio();
    if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw_openssl_error("encoding a private key as PEM");
    }
    return bio_contents(bio.get());
}

BioPtr read_only_bio(const std::string& text) {
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) {
        throw_openssl_error("allocating a memory BIO");
    }
    return bio;
}

// Plain names only: in particular "*" would let a certificate join any swarm.
void check_torrent_name(const std::string& torrent_name) {
    const bool valid = !torrent_name.empty() && torrent_name.size() <= 64 &&
                       torrent_name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                      "0123456789-._") == std::string::npos;
    if (!valid) {
        throw util::Error("torrent name '" + torrent_name +
                          "' must be 1 to 64 letters, digits, '-', '.' or '_'");
    }
}

} // namespace

CertificateAuthority::CertificateAuthority(PkeyPtr key, X509Ptr certificate)
    : key_(std::move(key)), certificate_(std::move(certificate)) {}

CertificateAuthority CertificateAuthority::create(const std::string& deployment_name,
                                                  std::chrono::seconds validity) {
    PkeyPtr key = generate_key();
    std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> not_after(
        X509_time_adj_ex(nullptr, 0, static_cast<long>(validity.count()), nullptr),
        &ASN1_TIME_free);
    if (!not_after) {
        throw_openssl_error("computing the CA's expiry time");
    }
    X509Ptr certificate = new_certificate(key.get(), not_after.get());
    set_subject_name(certificate.get(), "shoal CA " + deployment_name);
    if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get())) != 1) {
        throw_openssl_error("setting the CA's issuer name");
    }
    add_extension(certificate.get(), certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(certificate.get(), certificate.get(), NID_key_usage,
                  "critical,keyCertSign,cRLSign");
    add_extension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash");
    sign(certificate.get(), key.get());
    return CertificateAuthority(std::move(key), std::move(certificate));
}

CertificateAuthority CertificateAuthority::load(const CertificateAndKey& pem) {
    BioPtr certificate_bio = read_only_bio(pem.certificate_pem);
    X509Ptr certificate(PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr));
    if (!certificate) {
        throw_openssl_error("reading the CA certificate");
    }
    BioPtr key_bio = read_only_bio(pem.private_key_pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        throw_openssl_error("reading the CA private key");
    }
    if (X509_check_private_key(certificate.get(), key.get()) != 1) {
        throw util::Error("the CA private key does not belong to the CA certificate");
    }
    return CertificateAuthority(std::move(key), std::move(certificate));
}

CertificateAndKey CertificateAuthority::issue(const std::string& host,
                                              const std::string& torrent_name) const {
    check_torrent_name(torrent_name);
    PkeyPtr key = generate_key();
    X509Ptr certificate = new_certificate(key.get(), X509_get0_notAfter(certificate_.get()));
    // libtorrent accepts a peer whose certificate's common name is the
    // torrent's name. No subject alternative name on purpose: libtorrent
    // 2.0.8 looks there first and leaks the decoded names on every handshake.
    set_subject_name(certificate.get(), torrent_name, host);
    if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate_.get())) != 1) {
        throw_openssl_error("setting the issuer name of the certificate for " + host);
    }
    X509* issuer = certificate_.get();
    add_extension(certificate.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate.get(), issuer, NID_key_usage, "critical,digitalSignature");
    // Every peer both accepts and opens TLS connections.
    add_extension(certificate.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
    add_extension(certificate.get(), issuer, NID_authority_key_identifier, "keyid:always");
    sign(certificate.get(), key_.get());
    return CertificateAndKey{to_pem(certificate.get()), to_pem(key.get())};
}

std::string CertificateAuthority::certificate_pem() const {
    return to_pem(certificate_.get());
}

std::string CertificateAuthority::private_key_pem() const {
    return to_pem(key_.get());
}

} // namespace shoal::swarm
