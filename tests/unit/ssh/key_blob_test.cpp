#include "ssh/key_blob.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace shoal::ssh;

namespace {

// A throwaway ed25519 public key and what `ssh-keygen -lf` says of it.
constexpr const char* ed25519_base64 =
    "AAAAC3NzaC1lZDI1NTE5AAAAIP7pj1tO9Nt58Dgl9ocXcAlW+pVAXWtbkeKql2AZizrC";
constexpr const char* ed25519_fingerprint = "SHA256:u+3tBD1368F6eJasarBzRQAhrr4f1QOj3lLxU2jAIys";
constexpr const char* ecdsa_base64 =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBU4jj1LmJlUcDbFs3tMejUr0MgGdT+z9JHzCPKT/"
    "nNZCMUcN7mGf1MdQLSmMMWQrpAo2WAdksr02vpdvGTcU8Y=";
constexpr const char* ecdsa_fingerprint = "SHA256:t0P669LohAmMB4HlSe/qGiwS0gTSjDRLoOrYnO+F+8E";

void append_string(Bytes& out, std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<unsigned char>(size >> shift));
    }
    out.insert(out.end(), text.begin(), text.end());
}

// The text of an unencrypted OpenSSH-format private key whose public part has this type.
std::string openssh_private_key(std::string_view type) {
    Bytes body{'o', 'p', 'e', 'n', 's', 's', 'h', '-', 'k', 'e', 'y', '-', 'v', '1', '\0'};
    append_string(body, "none");
    append_string(body, "none");
    append_string(body, "");
    body.insert(body.end(), {0, 0, 0, 1});
    Bytes public_key;
    append_string(public_key, type);
    append_string(public_key, "key material");
    append_string(body, std::string_view(reinterpret_cast<const char*>(public_key.data()),
                                         public_key.size()));
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + base64_encode(body) +
           "\n-----END OPENSSH PRIVATE KEY-----\n";
}

} // namespace

TEST_CASE("base64 round-trips every length, with and without padding") {
    for (std::size_t length = 0; length < 10; ++length) {
        Bytes data;
        for (std::size_t i = 0; i < length; ++i) {
            data.push_back(static_cast<unsigned char>(0xf0 + i));
        }
        const std::string text = base64_encode(data);
        CHECK(base64_decode(text) == data);
        std::string unpadded = text;
        unpadded.erase(unpadded.find_last_not_of('=') + 1);
        CHECK(base64_decode(unpadded) == data);
    }
    CHECK(base64_encode(Bytes{'f', 'o', 'o', 'b'}) == "Zm9vYg==");
}

TEST_CASE("base64_decode rejects what is not base64") {
    CHECK_THROWS_AS(base64_decode("not*base64"), shoal::util::Error);
}

TEST_CASE("fingerprints match ssh-keygen -l") {
    CHECK(sha256_fingerprint(base64_decode(ed25519_base64)) == ed25519_fingerprint);
    CHECK(sha256_fingerprint(base64_decode(ecdsa_base64)) == ecdsa_fingerprint);
}

TEST_CASE("a blob's key type is its first string") {
    CHECK(key_type_of_blob(base64_decode(ed25519_base64)) == "ssh-ed25519");
    CHECK(key_type_of_blob(base64_decode(ecdsa_base64)) == "ecdsa-sha2-nistp256");
    CHECK(key_type_of_blob(Bytes{0, 0, 0, 9, 'a'}).empty());
    CHECK(key_type_of_blob(Bytes{}).empty());
}

TEST_CASE("private key files give away their key type") {
    CHECK(key_type_of_private_key(openssh_private_key("ssh-ed25519")) == "ssh-ed25519");
    CHECK(key_type_of_private_key(openssh_private_key("ssh-rsa")) == "ssh-rsa");
    CHECK(key_type_of_private_key("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n") == "ssh-rsa");
    CHECK(key_type_of_private_key("-----BEGIN EC PRIVATE KEY-----\nMHcC\n") == "ecdsa");
    CHECK(key_type_of_private_key("-----BEGIN OPENSSH PRIVATE KEY-----\n!!\n-----END").empty());
    CHECK(key_type_of_private_key("hello").empty());
}
