#include "synod/ntp/auth.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

namespace synod::ntp {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<KeyType> parse_type(std::string_view t) {
  const std::string u = upper(t);
  if (u == "M" || u == "MD5") return KeyType::kMd5;
  if (u == "SHA1" || u == "SHA-1") return KeyType::kSha1;
  if (u == "AES128" || u == "AES-128" || u == "AES-128-CMAC" || u == "AES128CMAC" || u == "CMAC") {
    return KeyType::kAes128Cmac;
  }
  return std::nullopt;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Bytes> parse_hex(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return std::nullopt;
  Bytes out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_value(s[i]);
    const int lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::optional<Bytes> parse_secret(std::string_view k) {
  if (k.size() > 4 && upper(k.substr(0, 4)) == "HEX:") return parse_hex(k.substr(4));
  if (k.size() > 6 && upper(k.substr(0, 6)) == "ASCII:")
    k.remove_prefix(6);
  else if (k.size() > 20)
    return parse_hex(k);
  if (k.empty()) return std::nullopt;
  return Bytes(k.begin(), k.end());
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size() && out.size() < 4) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// The legacy NTP digest: H(key || message), truncated to the MAC length (20 bytes at most).
Mac digest_mac(const EVP_MD* md, const Key& key, ByteView msg, std::uint8_t length) {
  Mac mac;
  mac.key_id = key.id;
  mac.length = length;
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int n = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1 &&
      EVP_DigestUpdate(ctx.get(), key.secret.data(), key.secret.size()) == 1 &&
      EVP_DigestUpdate(ctx.get(), msg.data(), msg.size()) == 1 &&
      EVP_DigestFinal_ex(ctx.get(), out.data(), &n) == 1) {
    std::copy_n(out.begin(), std::min<std::size_t>(n, length), mac.digest.begin());
  }
  return mac;
}

Mac cmac(const Key& key, ByteView msg) {
  Mac mac;
  mac.key_id = key.id;
  mac.length = 16;
  std::array<unsigned char, 16> k{};
  std::copy_n(key.secret.begin(), std::min<std::size_t>(16, key.secret.size()), k.begin());
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> alg(EVP_MAC_fetch(nullptr, "CMAC", nullptr),
                                                        EVP_MAC_free);
  if (!alg) return mac;
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(alg.get()),
                                                                EVP_MAC_CTX_free);
  char cipher[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                               OSSL_PARAM_construct_end()};
  std::size_t n = 0;
  std::array<unsigned char, 16> out{};
  if (ctx && EVP_MAC_init(ctx.get(), k.data(), k.size(), params) == 1 &&
      EVP_MAC_update(ctx.get(), msg.data(), msg.size()) == 1 &&
      EVP_MAC_final(ctx.get(), out.data(), &n, out.size()) == 1 && n == 16) {
    std::copy(out.begin(), out.end(), mac.digest.begin());
  }
  return mac;
}

}  // namespace

const Key* KeyRing::find(std::uint32_t id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

Result<KeyRing> parse_key_file(std::string_view text) {
  KeyRing ring;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    const auto f = split(line);
    if (f.empty()) continue;
    const std::string where = "keys line " + std::to_string(line_no) + ": ";
    if (f.size() < 2 || f.size() > 3) return invalid_argument(where + "expected ID [TYPE] KEY");
    Key key;
    std::uint64_t id = 0;
    for (char c : f[0]) {
      if (c < '0' || c > '9' || id > 0xFFFF'FFFFULL) return invalid_argument(where + "bad key id");
      id = id * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (id == 0 || id > 0xFFFF'FFFFULL) return invalid_argument(where + "key id must be 1..2^32-1");
    key.id = static_cast<std::uint32_t>(id);
    if (f.size() == 3) {
      auto t = parse_type(f[1]);
      if (!t) return invalid_argument(where + "unsupported key type '" + std::string(f[1]) + "'");
      key.type = *t;
    }
    auto secret = parse_secret(f.back());
    if (!secret || secret->size() > kMaxSecretBytes) return invalid_argument(where + "bad key");
    key.secret = std::move(*secret);
    if (ring.size() >= kMaxKeys) return invalid_argument(where + "too many keys");
    ring.add(std::move(key));
  }
  return ring;
}

std::string_view key_type_name(KeyType t) {
  switch (t) {
    case KeyType::kMd5: return "MD5";
    case KeyType::kSha1: return "SHA1";
    case KeyType::kAes128Cmac: return "AES-128-CMAC";
  }
  return "?";
}

std::size_t digest_bytes(KeyType t) { return t == KeyType::kSha1 ? 20 : 16; }

Mac compute_mac(const Key& key, ByteView authenticated) {
  switch (key.type) {
    case KeyType::kMd5: return digest_mac(EVP_md5(), key, authenticated, 16);
    case KeyType::kSha1: return digest_mac(EVP_sha1(), key, authenticated, 20);
    case KeyType::kAes128Cmac: return cmac(key, authenticated);
  }
  return {};
}

void sign(Packet& p, const Key& key) {
  p.mac.reset();
  const Bytes header = encode(p);
  p.mac = compute_mac(key, header);
  p.authenticated_bytes = header.size();
}

AuthResult verify(const Packet& p, ByteView raw, const KeyRing& keys) {
  if (!p.mac) return AuthResult::kNone;
  if (p.mac->length == 0) return AuthResult::kCryptoNak;
  const Key* key = keys.find(p.mac->key_id);
  if (key == nullptr) return AuthResult::kUnknownKey;
  if (digest_bytes(key->type) != p.mac->length) return AuthResult::kBadMac;
  const Mac want = compute_mac(*key, raw.first(p.authenticated_bytes));
  // Constant time, so the comparison does not leak how much of a forged MAC was right.
  return CRYPTO_memcmp(want.digest.data(), p.mac->digest.data(), want.length) == 0
             ? AuthResult::kOk
             : AuthResult::kBadMac;
}

std::string_view auth_result_name(AuthResult r) {
  switch (r) {
    case AuthResult::kNone: return "none";
    case AuthResult::kOk: return "ok";
    case AuthResult::kUnknownKey: return "unknown-key";
    case AuthResult::kBadMac: return "bad-mac";
    case AuthResult::kCryptoNak: return "crypto-nak";
  }
  return "?";
}

}  // namespace synod::ntp
