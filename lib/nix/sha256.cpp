#include "nix/sha256.hpp"

#include "nix/nixbase32.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <openssl/evp.h>

namespace shoal::nix {
namespace {

constexpr std::string_view prefix = "sha256:";
constexpr std::size_t base32_length = 52;

} // namespace

void Sha256::Free::operator()(evp_md_ctx_st* context) const {
    EVP_MD_CTX_free(context);
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
        throw util::Error("cannot initialise SHA-256");
    }
}

void Sha256::update(std::span<const char> data) {
    if (EVP_DigestUpdate(context_.get(), data.data(), data.size()) != 1) {
        throw util::Error("SHA-256 update failed");
    }
}

std::string Sha256::finish() {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest.data(), &length) != 1) {
        throw util::Error("SHA-256 finish failed");
    }
    return std::string(prefix) + nixbase32::encode(std::span(digest.data(), length));
}

bool is_nix_sha256(std::string_view text) {
    return text.size() == prefix.size() + base32_length && text.starts_with(prefix) &&
           std::all_of(text.begin() + prefix.size(), text.end(), nixbase32::is_digit);
}

} // namespace shoal::nix
