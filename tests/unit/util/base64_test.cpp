#include "util/base64.hpp"

#include <doctest/doctest.h>

namespace base64 = shoal::util::base64;

TEST_CASE("base64 encodes the RFC 4648 test vectors and decodes them back") {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [bytes, text] : vectors) {
        CAPTURE(bytes);
        CHECK(base64::encode(bytes) == text);
        CHECK(base64::decode(text) == bytes);
    }
}

TEST_CASE("base64 round-trips every byte value") {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
    }
    CHECK(base64::decode(base64::encode(bytes)) == bytes);
}

TEST_CASE("malformed base64 is refused") {
    for (const char* text : {"Zg", "Zg=", "Z===", "Zm9v\n", "Zm 9", "Zh==", "Zm9=Yg==", "****"}) {
        CAPTURE(text);
        CHECK_FALSE(base64::decode(text).has_value());
    }
}
