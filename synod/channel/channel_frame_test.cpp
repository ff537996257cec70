// The channel frame: round trip, every single-bit flip detected, limits enforced at their edges.
#include <gtest/gtest.h>

#include "synod/channel/channel_frame.hpp"
#include "synod/core/hash.hpp"

namespace synod::channel {
namespace {

ChannelFrame sample() {
  ChannelFrame f;
  f.kind = static_cast<std::uint32_t>(FrameKind::kAck);
  f.src = 0x1122334455667788ULL;
  f.dst = 42;
  f.seq = 7;
  f.cum = 6;
  f.sack = {8, 9, 12, 12};
  f.payload = Bytes{1, 2, 3, 4, 5};
  f.echo = 3;
  return f;
}

TEST(ChannelFrame, RoundTrip) {
  const Bytes b = seal(sample());
  const Opened o = open(b, FrameLimits{});
  ASSERT_EQ(o.error, OpenError::kNone);
  EXPECT_EQ(o.frame.src, sample().src);
  EXPECT_EQ(o.frame.sack, sample().sack);
  EXPECT_EQ(o.frame.payload, sample().payload);
  EXPECT_EQ(o.frame.echo, 3U);
}

TEST(ChannelFrame, EverySingleBitFlipIsDetected) {
  const Bytes good = seal(sample());
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    Bytes bad = good;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    EXPECT_EQ(open(bad, FrameLimits{}).error, OpenError::kCorrupt) << "bit " << bit;
  }
}

TEST(ChannelFrame, TruncationIsCorruption) {
  const Bytes good = seal(sample());
  for (std::size_t n = 0; n < good.size(); ++n) {
    EXPECT_NE(open(ByteView(good).first(n), FrameLimits{}).error, OpenError::kNone) << n;
  }
}

TEST(ChannelFrame, LimitsAreEnforcedAtTheEdge) {
  FrameLimits limits;
  limits.max_payload = 5;
  limits.max_sack_ranges = 2;
  EXPECT_EQ(open(seal(sample()), limits).error, OpenError::kNone);  // exactly at both limits
  ChannelFrame big = sample();
  big.payload.push_back(6);
  EXPECT_EQ(open(seal(big), limits).error, OpenError::kMalformed);
  ChannelFrame many = sample();
  many.sack.insert(many.sack.end(), {20, 21});
  EXPECT_EQ(open(seal(many), limits).error, OpenError::kMalformed);
}

TEST(ChannelFrame, ValidChecksumOverGarbageIsMalformed) {
  Bytes garbage{0xFF, 0xFF, 0xFF};  // truncated varint
  const std::uint32_t sum = checksum32(garbage);
  for (int i = 0; i < 4; ++i) garbage.push_back(static_cast<std::uint8_t>(sum >> (8 * i)));
  EXPECT_EQ(open(garbage, FrameLimits{}).error, OpenError::kMalformed);
}

}  // namespace
}  // namespace synod::channel
