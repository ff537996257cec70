// RFC 5905 section 6 (formats) and 7.3 (packet header): codec round trips and bounds.
#include <gtest/gtest.h>

#include "synod/ntp/exchange.hpp"
#include "synod/ntp/packet.hpp"
#include "synod/ntp/timestamp.hpp"

namespace synod::ntp {
namespace {

TEST(Timestamp, UnixEpochIsSeconds2208988800) {
  EXPECT_EQ(to_timestamp(Time{0}), std::uint64_t{2'208'988'800} << 32U);
  EXPECT_EQ(from_timestamp(std::uint64_t{2'208'988'800} << 32U, Time{0}).ns, 0);
}

TEST(Timestamp, RoundTripWithinOneNanosecond) {
  for (std::int64_t ns : {std::int64_t{1'767'225'600'123'456'789}, std::int64_t{5},
                          std::int64_t{999'999'999}, std::int64_t{-1'000'000'001}}) {
    const Time t{ns};
    const Time back = from_timestamp(to_timestamp(t), t);
    EXPECT_LE(std::abs(back.ns - ns), 1) << ns;
  }
}

TEST(Timestamp, Era1AfterFebruary2036) {
  // 2036-02-07T06:28:16Z is NTP era 1, second 0; 2040 has seconds wrapped past 2^32.
  const Time in_2040{2'208'988'800LL * 0 + 2'216'000'000LL * 1'000'000'000LL};
  const Timestamp ts = to_timestamp(in_2040);
  EXPECT_LT(ts >> 32U, 2'208'988'800ULL);  // wrapped
  EXPECT_EQ(from_timestamp(ts, in_2040 - std::chrono::hours(24 * 365)).ns / 1'000'000'000,
            in_2040.ns / 1'000'000'000);
}

TEST(Timestamp, ShortFormat) {
  EXPECT_EQ(to_short(std::chrono::seconds(1)), 0x10000U);
  EXPECT_EQ(from_short(0x8000U), std::chrono::milliseconds(500));
  EXPECT_EQ(to_short(Duration(-5)), 0U);
  EXPECT_EQ(to_short(std::chrono::hours(24 * 365)), 0xFFFF'FFFFU);  // saturates
}

Packet sample_packet() {
  Packet p;
  p.leap = Leap::kInsert;
  p.version = 4;
  p.mode = Mode::kServer;
  p.stratum = 2;
  p.poll = 6;
  p.precision = -23;
  p.root_delay = 0x1234;
  p.root_dispersion = 0x5678;
  p.reference_id = refid_from_ascii("GPS");
  p.reference = 0x0102030405060708ULL;
  p.origin = 0x1112131415161718ULL;
  p.receive = 0x2122232425262728ULL;
  p.transmit = 0x3132333435363738ULL;
  return p;
}

TEST(Packet, HeaderLayoutAndRoundTrip) {
  const Packet p = sample_packet();
  const Bytes b = encode(p);
  ASSERT_EQ(b.size(), kHeaderBytes);
  EXPECT_EQ(b[0], (1U << 6U) | (4U << 3U) | 4U);  // LI VN Mode
  EXPECT_EQ(b[1], 2);
  EXPECT_EQ(b[3], static_cast<std::uint8_t>(-23));
  EXPECT_EQ(b[12], 'G');
  EXPECT_EQ(b[40], 0x31);
  auto d = decode(b);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(*d, p);
}

TEST(Packet, MacTrailersOfEachLength) {
  for (std::uint8_t len : {std::uint8_t{0}, std::uint8_t{16}, std::uint8_t{20}}) {
    Packet p = sample_packet();
    Mac m;
    m.key_id = len == 0 ? 0 : 42;
    m.length = len;
    for (std::uint8_t i = 0; i < len; ++i) m.digest[i] = i;
    p.mac = m;
    const Bytes b = encode(p);
    EXPECT_EQ(b.size(), kHeaderBytes + 4 + len);
    auto d = decode(b);
    ASSERT_TRUE(d.is_ok());
    EXPECT_EQ(*d, p);
  }
}

TEST(Packet, SkipsExtensionFieldsBeforeTheMac) {
  Packet p = sample_packet();
  Bytes b = encode(p);
  const Bytes ext = {0x01, 0x04, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // 16 bytes
  b.insert(b.end(), ext.begin(), ext.end());
  const Bytes mac = {0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  b.insert(b.end(), mac.begin(), mac.end());
  auto d = decode(b);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->authenticated_bytes, kHeaderBytes + 16);
  ASSERT_TRUE(d->mac.has_value());
  EXPECT_EQ(d->mac->key_id, 7U);
}

TEST(Packet, RejectsShortLongAndMisshapen) {
  Bytes b = encode(sample_packet());
  EXPECT_FALSE(decode(ByteView(b).first(47)).is_ok());
  Bytes bad_version = b;
  bad_version[0] = static_cast<std::uint8_t>((bad_version[0] & 0xC7U) | (5U << 3U));
  EXPECT_FALSE(decode(bad_version).is_ok());
  Bytes odd = b;
  odd.resize(kHeaderBytes + 7);  // neither a MAC nor an extension field
  EXPECT_FALSE(decode(odd).is_ok());
  Bytes ext = b;  // an extension field claiming more bytes than there are
  const Bytes hdr = {0, 1, 0xFF, 0xF0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ext.insert(ext.end(), hdr.begin(), hdr.end());
  EXPECT_FALSE(decode(ext).is_ok());
  Bytes huge = b;
  huge.resize(kMaxPacketBytes + 4);
  EXPECT_FALSE(decode(huge).is_ok());
}

TEST(Packet, RefidSpelling) {
  EXPECT_EQ(refid_to_string(refid_from_ascii("RATE"), 0), "RATE");
  EXPECT_EQ(refid_to_string(0x7F000001U, 3), "127.0.0.1");
}

// RFC 5905 section 8: theta = ((T2-T1) + (T3-T4))/2, delta = (T4-T1) - (T3-T2).
TEST(Exchange, OffsetAndDelay) {
  const Time t1{1'000'000'000};
  const Time t2 = t1 + std::chrono::milliseconds(15);  // server 10 ms ahead, 5 ms each way
  const Time t3 = t2 + std::chrono::milliseconds(1);
  const Time t4 = t1 + std::chrono::milliseconds(11);
  const Sample s = make_sample(t1, t2, t3, t4);
  EXPECT_EQ(s.offset, std::chrono::milliseconds(10));
  EXPECT_EQ(s.delay, std::chrono::milliseconds(10));
}

TEST(Exchange, ReplyChecks) {
  const Time t1{1'767'225'600'000'000'000};
  Packet reply = sample_packet();
  reply.leap = Leap::kNone;
  reply.origin = to_timestamp(t1);
  EXPECT_EQ(check_reply(reply, to_timestamp(t1)), ReplyCheck::kOk);
  EXPECT_EQ(check_reply(reply, to_timestamp(t1 + Duration(1000))), ReplyCheck::kBogusOrigin);
  Packet kod = reply;
  kod.stratum = 0;
  kod.reference_id = refid_from_ascii("RATE");
  EXPECT_EQ(check_reply(kod, reply.origin), ReplyCheck::kKissRate);
  kod.reference_id = refid_from_ascii("DENY");
  EXPECT_EQ(check_reply(kod, reply.origin), ReplyCheck::kKissDeny);
  Packet unsync = reply;
  unsync.leap = Leap::kUnsynchronized;
  EXPECT_EQ(check_reply(unsync, reply.origin), ReplyCheck::kUnsynchronized);
  Packet client = reply;
  client.mode = Mode::kClient;
  EXPECT_EQ(check_reply(client, reply.origin), ReplyCheck::kBadMode);
}

}  // namespace
}  // namespace synod::ntp
