#include "swarm/certificate_authority.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

using shoal::swarm::CertificateAndKey;
using shoal::swarm::CertificateAuthority;

namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr parse_certificate(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    REQUIRE(certificate);
    return certificate;
}

std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> parse_key(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    REQUIRE(key);
    return key;
}

// What OpenSSL's chain verification (the one libtorrent's TLS runs) says of
// `leaf` when `root` is the only trusted certificate.
bool verifies_against(const std::string& leaf, const std::string& root) {
    const X509Ptr leaf_certificate = parse_certificate(leaf);
    const X509Ptr root_certificate = parse_certificate(root);
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                  &X509_STORE_free);
    REQUIRE(X509_STORE_add_cert(store.get(), root_certificate.get()) == 1);
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                            &X509_STORE_CTX_free);
    REQUIRE(X509_STORE_CTX_init(context.get(), store.get(), leaf_certificate.get(), nullptr) == 1);
    X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
    return X509_verify_cert(context.get()) == 1;
}

std::string subject_field(X509* certificate, int nid) {
    char buffer[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), nid, buffer, sizeof buffer);
    return buffer;
}

// Seconds from now until `time` (negative when past).
long seconds_from_now(const ASN1_TIME* time) {
    int days = 0;
    int seconds = 0;
    REQUIRE(ASN1_TIME_diff(&days, &seconds, nullptr, time) == 1);
    return days * 86400L + seconds;
}

} // namespace

TEST_CASE("issued certificates verify against their CA and no other") {
    const auto ca = CertificateAuthority::create("deployment1", std::chrono::hours(48));
    const auto other_ca = CertificateAuthority::create("deployment1", std::chrono::hours(48));
    const CertificateAndKey issued = ca.issue("web-01", "deployment1");

    CHECK(verifies_against(issued.certificate_pem, ca.certificate_pem()));
    CHECK_FALSE(verifies_against(issued.certificate_pem, other_ca.certificate_pem()));
    CHECK_FALSE(verifies_against(other_ca.issue("web-01", "deployment1").certificate_pem,
                                 ca.certificate_pem()));
}

TEST_CASE("a host certificate names the host and, for libtorrent, the torrent") {
    const auto ca = CertificateAuthority::create("deployment1", std::chrono::hours(48));
    const CertificateAndKey issued = ca.issue("web-01", "deployment1");
    const X509Ptr certificate = parse_certificate(issued.certificate_pem);

    // libtorrent matches the torrent name against the common name.
    CHECK(subject_field(certificate.get(), NID_commonName) == "deployment1");
    CHECK(subject_field(certificate.get(), NID_organizationalUnitName) == "web-01");
    // No subject alternative names: libtorrent 2.0.8 leaks them when it checks.
    CHECK(X509_get_ext_by_NID(certificate.get(), NID_subject_alt_name, -1) < 0);
    CHECK(X509_check_private_key(certificate.get(), parse_key(issued.private_key_pem).get()) == 1);
    CHECK(X509_check_ca(certificate.get()) == 0);
    CHECK(X509_check_ca(parse_certificate(ca.certificate_pem()).get()) != 0);
}

TEST_CASE("certificates are valid now and expire with the CA") {
    const auto ca = CertificateAuthority::create("deployment1", std::chrono::hours(48));
    const X509Ptr root = parse_certificate(ca.certificate_pem());
    const X509Ptr leaf = parse_certificate(ca.issue("web-01", "deployment1").certificate_pem);

    for (X509* certificate : {root.get(), leaf.get()}) {
        CHECK(seconds_from_now(X509_get0_notBefore(certificate)) <= 0);
        const long expiry = seconds_from_now(X509_get0_notAfter(certificate));
        CHECK(expiry > 48 * 3600 - 60);
        CHECK(expiry <= 48 * 3600);
    }
}

TEST_CASE("a CA loaded from its PEM issues certificates the original's certificate accepts") {
    const auto ca = CertificateAuthority::create("deployment1", std::chrono::hours(48));
    const auto loaded = CertificateAuthority::load({ca.certificate_pem(), ca.private_key_pem()});
    CHECK(loaded.certificate_pem() == ca.certificate_pem());
    CHECK(verifies_against(loaded.issue("web-02", "deployment1").certificate_pem,
                           ca.certificate_pem()));

    const auto other_ca = CertificateAuthority::create("deployment1", std::chrono::hours(48));
    CHECK_THROWS_AS(CertificateAuthority::load({ca.certificate_pem(), other_ca.private_key_pem()}),
                    shoal::util::Error);
    CHECK_THROWS_AS(CertificateAuthority::load({"not a certificate", ca.private_key_pem()}),
                    shoal::util::Error);
}

TEST_CASE("torrent names other than plain words are refused") {
    const auto ca = CertificateAuthority::create("deployment1", std::chrono::hours(1));
    CHECK_THROWS_AS(ca.issue("web-01", ""), shoal::util::Error);
    CHECK_THROWS_AS(ca.issue("web-01", "a,DNS:*"), shoal::util::Error);
    CHECK_THROWS_AS(ca.issue("web-01", "*"), shoal::util::Error);
}
