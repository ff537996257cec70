#include "synod/runtime/envelope.hpp"

#include <gtest/gtest.h>

namespace synod::runtime {
namespace {

TEST(Envelope, HelloRoundTrip) {
  auto e = decode_envelope(encode_hello({7, "prod"}));
  ASSERT_TRUE(e);
  const auto* h = std::get_if<Hello>(&*e);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->sender, 7U);
  EXPECT_EQ(h->cluster, "prod");
}

TEST(Envelope, DataAndDatagramRoundTrip) {
  const Bytes payload = {1, 2, 3};
  const Bytes data = encode_data(513, payload);  // decoded payloads are views into the frame
  auto d = decode_envelope(data);
  ASSERT_TRUE(d);
  ASSERT_TRUE(std::holds_alternative<DataMsg>(*d));
  EXPECT_EQ(std::get<DataMsg>(*d).protocol, 513);
  EXPECT_EQ(Bytes(std::get<DataMsg>(*d).payload.begin(), std::get<DataMsg>(*d).payload.end()),
            payload);
  EXPECT_EQ(std::get<DataMsg>(*d).payload.data(), data.data() + kDataHeaderBytes);

  const Bytes datagram = encode_datagram(4, cluster_hash("c"), 2, payload);
  auto g = decode_envelope(datagram);
  ASSERT_TRUE(g);
  const auto& dg = std::get<Datagram>(*g);
  EXPECT_EQ(dg.sender, 4U);
  EXPECT_EQ(dg.cluster_hash, cluster_hash("c"));
  EXPECT_EQ(dg.protocol, 2);
  EXPECT_EQ(Bytes(dg.payload.begin(), dg.payload.end()), payload);
}

// Every prefix of a valid envelope, and a few garbage bytes, give an error or a value; no crash.
TEST(Envelope, TruncationsAndGarbage) {
  const Bytes hello = encode_hello({7, "prod"});
  for (std::size_t n = 0; n < hello.size(); ++n) {
    EXPECT_FALSE(decode_envelope(ByteView(hello.data(), n))) << n;
  }
  const Bytes dg = encode_datagram(4, 1, 2, {});
  for (std::size_t n = 0; n < dg.size(); ++n) EXPECT_FALSE(decode_envelope(ByteView(dg.data(), n)));
  EXPECT_FALSE(decode_envelope(Bytes{9, 9, 9}));
  EXPECT_FALSE(decode_envelope(encode_hello({0, "x"})));
  Bytes v2 = hello;
  v2[1] = 2;
  EXPECT_FALSE(decode_envelope(v2));
}

}  // namespace
}  // namespace synod::runtime
