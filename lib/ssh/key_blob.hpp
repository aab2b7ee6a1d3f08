#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// SSH public key blobs (RFC 4253 wire format) and their textual forms.
namespace shoal::ssh {

using Bytes = std::vector<unsigned char>;

std::string base64_encode(std::span<const unsigned char> data);

// Throws util::Error on text that is not base64.
Bytes base64_decode(std::string_view text);

// The algorithm name a key blob starts with ("ssh-ed25519"); empty if malformed.
std::string key_type_of_blob(std::span<const unsigned char> blob);

// OpenSSH's fingerprint form: "SHA256:" and unpadded base64 of the blob's SHA-256.
std::string sha256_fingerprint(std::span<const unsigned char> blob);

// The key type inside a private key file's text ("ssh-rsa", "ssh-ed25519"), from
// an OpenSSH-format key's public part or a PEM header; empty if not recognised.
std::string key_type_of_private_key(std::string_view text);

} // namespace shoal::ssh
