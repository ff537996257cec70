// Server side: RFC 5905 section 9 (reply construction), 7.4 (kiss-o'-death), 9.2 (crypto-NAK).
#include <gtest/gtest.h>

#include "synod/ntp/exchange.hpp"
#include "synod/ntp/server.hpp"

namespace synod::ntp {
namespace {

const Time kNow{1'767'225'600'000'000'000};

Bytes request(Time t1, Mode mode = Mode::kClient) {
  Packet p = client_request(t1, 6);
  p.mode = mode;
  return encode(p);
}

TEST(Server, AnswersAClientWithItsTimestamps) {
  Server server;
  const auto self = ServerIdentity::local_reference(8, kNow);
  auto r = server.handle(request(kNow - std::chrono::milliseconds(3)), kNow, 1, self);
  ASSERT_TRUE(r.has_value());
  const Bytes out = Server::finish(*r, kNow + std::chrono::microseconds(20));
  auto p = decode(out);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->mode, Mode::kServer);
  EXPECT_EQ(p->stratum, 8);
  EXPECT_EQ(p->leap, Leap::kNone);
  EXPECT_EQ(p->origin, to_timestamp(kNow - std::chrono::milliseconds(3)));
  EXPECT_EQ(p->receive, to_timestamp(kNow));
  EXPECT_EQ(p->transmit, to_timestamp(kNow + std::chrono::microseconds(20)));
  EXPECT_EQ(p->poll, 6);
  EXPECT_EQ(check_reply(*p, to_timestamp(kNow - std::chrono::milliseconds(3))), ReplyCheck::kOk);
}

TEST(Server, SymmetricActiveGetsPassiveAndOtherModesNothing) {
  Server server;
  const auto self = ServerIdentity::local_reference(1, kNow);
  auto r = server.handle(request(kNow, Mode::kSymmetricActive), kNow, 1, self);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->packet.mode, Mode::kSymmetricPassive);
  EXPECT_FALSE(server.handle(request(kNow, Mode::kServer), kNow, 1, self).has_value());
  EXPECT_FALSE(server.handle(request(kNow, Mode::kBroadcast), kNow, 1, self).has_value());
  EXPECT_FALSE(server.handle(request(kNow, Mode::kControl), kNow, 1, self).has_value());
  const Bytes junk(10, 0xFF);
  EXPECT_FALSE(server.handle(junk, kNow, 1, self).has_value());
  EXPECT_EQ(server.counters().malformed, 1U);
  EXPECT_EQ(server.counters().ignored, 3U);
}

TEST(Server, UnsynchronizedServerSaysSo) {
  Server server;
  auto r = server.handle(request(kNow), kNow, 1, ServerIdentity{});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->packet.leap, Leap::kUnsynchronized);
  EXPECT_EQ(r->packet.stratum, kStratumUnsynchronized);
}

TEST(Server, RateKissWhenAClientPollsTooFast) {
  Server server(ServerPolicy{std::chrono::seconds(2), false});
  const auto self = ServerIdentity::local_reference(2, kNow);
  EXPECT_EQ(server.handle(request(kNow), kNow, 7, self)->packet.stratum, 2);
  auto fast = server.handle(request(kNow), kNow + std::chrono::seconds(1), 7, self);
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(check_reply(fast->packet, fast->packet.origin), ReplyCheck::kKissRate);
  // Another client is not affected; the first is fine again after a slow request.
  EXPECT_EQ(server.handle(request(kNow), kNow + std::chrono::seconds(1), 8, self)->packet.stratum,
            2);
  EXPECT_EQ(server.handle(request(kNow), kNow + std::chrono::seconds(4), 7, self)->packet.stratum,
            2);
}

TEST(Server, AuthenticationDenyNakAndSignedReplies) {
  KeyRing keys;
  keys.add(Key{5, KeyType::kSha1, Bytes(20, 7)});
  Server server(ServerPolicy{Duration(0), true}, &keys);
  const auto self = ServerIdentity::local_reference(3, kNow);
  // Unauthenticated: DENY.
  auto deny = server.handle(request(kNow), kNow, 1, self);
  ASSERT_TRUE(deny.has_value());
  EXPECT_EQ(check_reply(deny->packet, deny->packet.origin), ReplyCheck::kKissDeny);
  // Wrong key: crypto-NAK.
  Packet wrong = client_request(kNow, 6);
  sign(wrong, Key{6, KeyType::kMd5, Bytes(4, 1)});
  auto nak = server.handle(encode(wrong), kNow, 1, self);
  ASSERT_TRUE(nak.has_value());
  const Bytes nak_bytes = Server::finish(*nak, kNow);
  EXPECT_EQ(nak_bytes.size(), kHeaderBytes + 4);
  EXPECT_EQ(verify(*decode(nak_bytes), nak_bytes, keys), AuthResult::kCryptoNak);
  // Right key: a signed reply that verifies with the same key.
  Packet good = client_request(kNow, 6);
  sign(good, *keys.find(5));
  auto ok = server.handle(encode(good), kNow, 1, self);
  ASSERT_TRUE(ok.has_value());
  const Bytes ok_bytes = Server::finish(*ok, kNow + Duration(1000));
  auto decoded = decode(ok_bytes);
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(verify(*decoded, ok_bytes, keys), AuthResult::kOk);
  EXPECT_EQ(decoded->stratum, 3);
  EXPECT_EQ(server.counters().authenticated, 1U);
}

}  // namespace
}  // namespace synod::ntp
