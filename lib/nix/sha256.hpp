#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace shoal::nix {

// Incremental SHA-256 whose result is in Nix's notation, "sha256:<nixbase32>",
// the form narHash takes on the wire and in `nix-store -q --hash`.
class Sha256 {
public:
    Sha256();
    void update(std::span<const char> data);
    // Ends the computation; the object must not be updated afterwards.
    std::string finish();

private:
    struct Free {
        void operator()(evp_md_ctx_st* context) const;
    };
    std::unique_ptr<evp_md_ctx_st, Free> context_;
};

// True if `text` is "sha256:" followed by 52 nixbase32 characters.
bool is_nix_sha256(std::string_view text);

} // namespace shoal::nix
