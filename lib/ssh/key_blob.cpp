#include "ssh/key_blob.hpp"

#include "util/base64.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace shoal::ssh {
namespace {

// Reads RFC 4253 "string"s (u32 big-endian length + bytes) off the front of a buffer.
class WireReader {
public:
    explicit WireReader(std::span<const unsigned char> data) : data_(data) {}

    bool read_u32(std::uint32_t& value) {
        if (data_.size() < 4) {
            return false;
        }
        value = (std::uint32_t{data_[0]} << 24) | (std::uint32_t{data_[1]} << 16) |
                (std::uint32_t{data_[2]} << 8) | std::uint32_t{data_[3]};
        data_ = data_.subspan(4);
        return true;
    }

    bool read_string(std::span<const unsigned char>& value) {
        std::uint32_t length = 0;
        if (!read_u32(length) || data_.size() < length) {
            return false;
        }
        value = data_.first(length);
        data_ = data_.subspan(length);
        return true;
    }

private:
    std::span<const unsigned char> data_;
};

std::string_view between(std::string_view text, std::string_view begin, std::string_view end) {
    const auto start = text.find(begin);
    if (start == std::string_view::npos) {
        return {};
    }
    const auto body = text.substr(start + begin.size());
    return body.substr(0, body.find(end));
}

} // namespace

std::string base64_encode(std::span<const unsigned char> data) {
    return util::base64::encode(
        std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

Bytes base64_decode(std::string_view text) {
    // OpenSSH files may wrap lines and drop the padding.
    std::string compact;
    std::copy_if(text.begin(), text.end(), std::back_inserter(compact),
                 [](char c) { return c != '\n' && c != '\r' && c != ' ' && c != '\t'; });
    while (compact.size() % 4 != 0) {
        compact += '=';
    }
    const auto data = util::base64::decode(compact);
    if (!data) {
        throw util::Error("not valid base64: '" + std::string(text.substr(0, 40)) + "'");
    }
    return Bytes(data->begin(), data->end());
}

std::string key_type_of_blob(std::span<const unsigned char> blob) {
    WireReader reader(blob);
    std::span<const unsigned char> type;
    if (!reader.read_string(type)) {
        return {};
    }
    return {type.begin(), type.end()};
}

std::string sha256_fingerprint(std::span<const unsigned char> blob) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(blob.data(), blob.size(), digest);
    std::string text = base64_encode(digest);
    text.erase(text.find_last_not_of('=') + 1);
    return "SHA256:" + text;
}

std::string key_type_of_private_key(std::string_view text) {
    if (text.find("-----BEGIN RSA PRIVATE KEY-----") != std::string_view::npos) {
        return "ssh-rsa";
    }
    if (text.find("-----BEGIN EC PRIVATE KEY-----") != std::string_view::npos) {
        return "ecdsa";
    }
    const auto body =
        between(text, "-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----");
    if (body.empty()) {
        return {};
    }
    Bytes data;
    try {
        data = base64_decode(body);
    } catch (const util::Error&) {
        return {};
    }
    // "openssh-key-v1\0", cipher, kdf, kdf options, key count, first public key.
    constexpr std::string_view magic("openssh-key-v1\0", 15);
    if (data.size() < magic.size() || !std::equal(magic.begin(), magic.end(), data.begin())) {
        return {};
    }
    WireReader reader(std::span<const unsigned char>(data).subspan(magic.size()));
    std::span<const unsigned char> field;
    std::uint32_t count = 0;
    if (!reader.read_string(field) || !reader.read_string(field) || !reader.read_string(field) ||
        !reader.read_u32(count) || count == 0 || !reader.read_string(field)) {
        return {};
    }
    return key_type_of_blob(field);
}

} // namespace shoal::ssh
