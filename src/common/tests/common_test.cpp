#include <gtest/gtest.h>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/crypto.hpp"
#include "comptoir/common/status.hpp"

namespace comptoir {
namespace {

TEST(Iso8601Test, FormatsUtcWithZ) { EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z"); }

TEST(Iso8601Test, RoundTripsAcrossLeapDay) {
  auto t = ParseIso8601("2024-02-29T23:59:59Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatIso8601(*t), "2024-02-29T23:59:59Z");
  EXPECT_EQ(FormatIso8601(*t + 1), "2024-03-01T00:00:00Z");
}

TEST(Iso8601Test, AppliesOffsets) {
  EXPECT_EQ(ParseIso8601("2026-11-21T10:30:00+01:00"), ParseIso8601("2026-11-21T09:30:00Z"));
  EXPECT_EQ(ParseIso8601("2026-11-21"), ParseIso8601("2026-11-21T00:00:00Z"));
}

TEST(Iso8601Test, RejectsImpossibleDates) {
  EXPECT_FALSE(ParseIso8601("2023-02-29").has_value());
  EXPECT_FALSE(ParseIso8601("2026-13-01").has_value());
  EXPECT_FALSE(ParseIso8601("yesterday").has_value());
  EXPECT_FALSE(ParseIso8601("2026-11-21T25:00:00Z").has_value());
}

TEST(CryptoTest, PasswordHashIsArgon2idAndVerifies) {
  ASSERT_TRUE(crypto::InitCrypto().ok());
  auto h = crypto::HashPassword("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(crypto::VerifyPassword(*h, "correct horse"));
  EXPECT_FALSE(crypto::VerifyPassword(*h, "correct horsf"));
}

TEST(CryptoTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(crypto::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(crypto::Base64Encode("a@b.c:pw"), "YUBiLmM6cHc=");
  auto d = crypto::Base64Decode("YUBiLmM6cHc=");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "a@b.c:pw");
  EXPECT_FALSE(crypto::Base64Decode("***").ok());
}

TEST(CryptoTest, RandomTokensDiffer) {
  EXPECT_NE(crypto::RandomToken(), crypto::RandomToken());
  EXPECT_EQ(crypto::RandomToken(30).size(), 40u);
}

TEST(StatusTest, ValidationCollectsFieldProblems) {
  Validation v;
  EXPECT_TRUE(v.Finish().ok());
  v.Add("email", "InvalidValue", "Email: is invalid");
  Status s = v.Finish();
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].field, "email");
}

}  // namespace
}  // namespace comptoir
