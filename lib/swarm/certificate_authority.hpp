#pragma once

#include "swarm/openssl_handles.hpp"

#include <chrono>
#include <string>

namespace shoal::swarm {

// A certificate and its private key, both PEM-encoded.
struct CertificateAndKey {
    std::string certificate_pem;
    std::string private_key_pem;
};

// The per-deployment certificate authority. Its certificate goes into the
// torrent (libtorrent's SSL torrents trust exactly that root), and it signs
// one certificate per host: only holders of such a certificate can join the
// swarm. Keys are EC P-256, which every OpenSSL TLS stack accepts for both
// client and server authentication.
class CertificateAuthority {
public:
    // A fresh CA valid from now for `validity`.
    static CertificateAuthority create(const std::string& deployment_name,
                                       std::chrono::seconds validity);

    // The CA written earlier by certificate_pem() and private_key_pem().
    static CertificateAuthority load(const CertificateAndKey& pem);

    // A certificate for `host` to join the swarm of the torrent named
    // `torrent_name`: libtorrent accepts a peer only if its certificate names
    // the torrent, so the subject is O=shoal, OU=<host>, CN=<torrent name>.
    // It expires with the CA.
    CertificateAndKey issue(const std::string& host, const std::string& torrent_name) const;

    std::string certificate_pem() const;
    std::string private_key_pem() const;

private:
    CertificateAuthority(PkeyPtr key, X509Ptr certificate);

    PkeyPtr key_;
    X509Ptr certificate_;
};

} // namespace shoal::swarm
