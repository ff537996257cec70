#include <gtest/gtest.h>

#include "synod/core/rng.hpp"
#include "synod/runtime/causal_header.hpp"

namespace synod::runtime {
namespace {

TEST(CausalHeader, RoundTripsStampsAndPayload) {
  auto vc = causal::VectorClock::from_entries({{1, 4}, {3, 9}}).value();
  const Bytes payload{7, 8, 9};
  const Bytes msg = add_causal_header(make_msg_id(3, 2, 17), 42, vc, payload);
  auto s = strip_causal_header(msg);
  ASSERT_TRUE(s) << s.status().to_string();
  EXPECT_EQ(s->msg_id, make_msg_id(3, 2, 17));
  EXPECT_EQ(s->lamport, 42U);
  EXPECT_EQ(s->vclock, vc);
  EXPECT_EQ(Bytes(s->payload.begin(), s->payload.end()), payload);
}

TEST(CausalHeader, MessageIdsSeparateNodesLivesAndSequence) {
  EXPECT_NE(make_msg_id(1, 1, 5), make_msg_id(2, 1, 5));
  EXPECT_NE(make_msg_id(1, 1, 5), make_msg_id(1, 2, 5));
  EXPECT_NE(make_msg_id(1, 1, 5), make_msg_id(1, 1, 6));
}

TEST(CausalHeader, MalformedInputIsAnErrorNeverACrash) {
  EXPECT_FALSE(strip_causal_header(Bytes{}));
  EXPECT_FALSE(strip_causal_header(Bytes{0x80}));                          // truncated length
  EXPECT_FALSE(strip_causal_header(Bytes{0x05, 0x08}));                    // length past end
  EXPECT_FALSE(strip_causal_header(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}));  // huge length
  // Random garbage (bounded loop): must return, either way.
  Rng rng(5);
  for (int i = 0; i < 20000; ++i) {
    Bytes b(rng.below(40));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
    (void)strip_causal_header(b);
  }
  // Mutations of a valid message.
  const Bytes good =
      add_causal_header(1, 2, causal::VectorClock::from_entries({{1, 1}}).value(), Bytes{1, 2});
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes b = good;
      b[i] ^= static_cast<std::uint8_t>(1U << bit);
      (void)strip_causal_header(b);
    }
  }
}

}  // namespace
}  // namespace synod::runtime
