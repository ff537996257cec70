// Symmetric-key MACs (RFC 5905 section 7.3; AES-CMAC RFC 4493/8573) and both key-file formats.
#include <gtest/gtest.h>

#include "synod/ntp/auth.hpp"

namespace synod::ntp {
namespace {

std::string hex(const Mac& m) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < m.length; ++i) {
    s.push_back(digits[m.digest[i] >> 4U]);
    s.push_back(digits[m.digest[i] & 15U]);
  }
  return s;
}

Key make_key(KeyType t, std::string_view secret) {
  return Key{1, t, Bytes(secret.begin(), secret.end())};
}

// Expected values: Python's hashlib over key || message (the legacy NTP digest).
TEST(Auth, LegacyDigestsAreHashOfKeyThenMessage) {
  const std::string msg = "ijklmnopqrstuvwx";
  EXPECT_EQ(hex(compute_mac(make_key(KeyType::kMd5, "abcdefgh"), as_bytes(msg))),
            "0c0e84cf0bb7a8688e5238dbbc1c3953");
  EXPECT_EQ(hex(compute_mac(make_key(KeyType::kSha1, "abcdefgh"), as_bytes(msg))),
            "d717e22e1659305fad6ef08864923db64aba9c08");
}

// RFC 4493 section 4, example 1 (empty message) and 2 (16 bytes).
TEST(Auth, AesCmacRfc4493Vectors) {
  Key k{1,
        KeyType::kAes128Cmac,
        {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
         0x3c}};
  EXPECT_EQ(hex(compute_mac(k, {})), "bb1d6929e95937287fa37d129b756746");
  const Bytes m = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                   0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
  EXPECT_EQ(hex(compute_mac(k, m)), "070a16b46b4d4144f79bdd9dd04a287c");
}

TEST(Auth, SignedPacketVerifiesAndTamperingIsCaught) {
  KeyRing ring;
  for (auto t : {KeyType::kMd5, KeyType::kSha1, KeyType::kAes128Cmac}) {
    Key k{static_cast<std::uint32_t>(t) + 10, t, Bytes(16, 0x42)};
    ring.add(k);
    Packet p;
    p.transmit = 0x1234;
    sign(p, k);
    Bytes raw = encode(p);
    EXPECT_EQ(raw.size(), kHeaderBytes + 4 + digest_bytes(t));
    auto d = decode(raw);
    ASSERT_TRUE(d.is_ok());
    EXPECT_EQ(verify(*d, raw, ring), AuthResult::kOk) << key_type_name(t);
    raw[45] ^= 1U;
    auto bad = decode(raw);
    ASSERT_TRUE(bad.is_ok());
    EXPECT_EQ(verify(*bad, raw, ring), AuthResult::kBadMac);
  }
  Packet p;
  sign(p, Key{99, KeyType::kMd5, Bytes(4, 1)});
  const Bytes raw = encode(p);
  EXPECT_EQ(verify(*decode(raw), raw, ring), AuthResult::kUnknownKey);
}

TEST(Auth, ChronyKeyFile) {
  auto ring = parse_key_file(
      "# chrony.keys\n"
      "1 MD5 HEX:0102030405\n"
      "2 SHA1 ASCII:secret\n"
      "3 plainsecret\n"
      "4 AES128 HEX:2b7e151628aed2a6abf7158809cf4f3c\n");
  ASSERT_TRUE(ring.is_ok()) << ring.status().to_string();
  EXPECT_EQ(ring->size(), 4U);
  EXPECT_EQ(ring->find(1)->secret, (Bytes{1, 2, 3, 4, 5}));
  EXPECT_EQ(ring->find(2)->type, KeyType::kSha1);
  EXPECT_EQ(to_string(ring->find(2)->secret), "secret");
  EXPECT_EQ(ring->find(3)->type, KeyType::kMd5);
  EXPECT_EQ(ring->find(4)->type, KeyType::kAes128Cmac);
  EXPECT_EQ(ring->find(4)->secret.size(), 16U);
}

TEST(Auth, NtpsecKeyFile) {
  auto ring = parse_key_file(
      "1 M asciikey  # comment\n"
      "2 SHA1 0123456789abcdef0123456789abcdef01234567\n"
      "3 AES-128-CMAC 2b7e151628aed2a6abf7158809cf4f3c\n"
      "\n");
  ASSERT_TRUE(ring.is_ok()) << ring.status().to_string();
  EXPECT_EQ(to_string(ring->find(1)->secret), "asciikey");
  EXPECT_EQ(ring->find(2)->secret.size(), 20U);
  EXPECT_EQ(ring->find(3)->type, KeyType::kAes128Cmac);
}

TEST(Auth, KeyFileErrorsNameTheLine) {
  auto bad_type = parse_key_file("1 MD5 x\n2 GOST key\n");
  ASSERT_FALSE(bad_type.is_ok());
  EXPECT_NE(bad_type.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_key_file("0 MD5 key\n").is_ok());
  EXPECT_FALSE(parse_key_file("1 MD5 HEX:abc\n").is_ok());
  EXPECT_FALSE(parse_key_file("x MD5 key\n").is_ok());
  EXPECT_FALSE(parse_key_file("1\n").is_ok());
}

}  // namespace
}  // namespace synod::ntp
