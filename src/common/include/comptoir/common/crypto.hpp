// Cryptographic helpers on libsodium and OpenSSL: random secrets, SHA-256, HMAC,
// Argon2id password hashes and base64. All functions are thread-safe once
// InitCrypto() has run (call it once at start-up; it is idempotent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "comptoir/common/status.hpp"

namespace comptoir::crypto {

Status InitCrypto();

// A URL-safe random string of `bytes` random bytes (base64url without padding).
std::string RandomToken(std::size_t bytes = 30);
// `n` random characters from [A-Za-z0-9] (API tokens, like Zendesk's).
std::string RandomAlnum(std::size_t n = 40);
// A uniformly random integer in [0, upper_bound) (0 when upper_bound is 0).
std::uint32_t RandomBelow(std::uint32_t upper_bound);
// A random password that satisfies the default password policy.
std::string RandomPassword();
// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view data);
// Raw HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
// Constant-time equality for secrets of equal length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Argon2id (libsodium crypto_pwhash_str), interactive cost.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

std::string Base64Encode(std::string_view data, bool url_safe = false);
// nullopt-like failure is reported as an empty Result status.
Result<std::string> Base64Decode(std::string_view data, bool url_safe = false);

}  // namespace comptoir::crypto
