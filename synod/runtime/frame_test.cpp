#include "synod/runtime/frame.hpp"

#include "synod/core/hash.hpp"

#include <gtest/gtest.h>
#include <cstring>

#include <string>
#include <vector>

#include "synod/core/hash.hpp"

namespace synod {
namespace {

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Feeds `stream` in the given pieces and collects every frame until more bytes are needed.
Result<std::vector<Bytes>> decode_pieces(const Bytes& stream, const std::vector<std::size_t>& cuts,
                                         std::size_t max = kDefaultMaxFrameBytes) {
  FrameDecoder d(max);
  std::vector<Bytes> out;
  std::size_t pos = 0;
  auto drain = [&]() -> Status {
    for (;;) {
      auto f = d.next();
      if (!f) return f.status();
      if (!f->has_value()) return Status::ok();
      out.push_back(std::move(**f));
    }
  };
  for (std::size_t cut : cuts) {
    d.feed(ByteView(stream.data() + pos, cut - pos));
    pos = cut;
    SYNOD_RETURN_IF_ERROR(drain());
  }
  d.feed(ByteView(stream.data() + pos, stream.size() - pos));
  SYNOD_RETURN_IF_ERROR(drain());
  EXPECT_EQ(d.buffered(), 0U);
  return out;
}

TEST(Frame, RoundTripWithAndWithoutChecksum) {
  for (bool checksum : {true, false}) {
    const Bytes payload = bytes_of("hello");
    const Bytes f = encode_frame(payload, {.checksum = checksum});
    EXPECT_EQ(f.size(), frame_size(5, checksum));
    EXPECT_EQ(f[4], checksum ? kFrameFlagChecksumXxh3 : 0);
    auto got = decode_pieces(f, {});
    ASSERT_TRUE(got) << got.status().to_string();
    ASSERT_EQ(got->size(), 1U);
    EXPECT_EQ((*got)[0], payload);
  }
}

TEST(Frame, EmptyPayload) {
  auto got = decode_pieces(encode_frame({}), {});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1U);
  EXPECT_TRUE((*got)[0].empty());
}

// Every way of splitting a three-frame stream in two, and byte-at-a-time, yields the same frames.
TEST(Frame, EverySplitOfSeveralFrames) {
  Bytes stream;
  const std::vector<Bytes> payloads = {bytes_of("a"), bytes_of(""), bytes_of("three frames")};
  append_frame(stream, payloads[0]);
  append_frame(stream, payloads[1], {.checksum = false});
  append_frame(stream, payloads[2]);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    auto got = decode_pieces(stream, {cut});
    ASSERT_TRUE(got) << "cut " << cut;
    EXPECT_EQ(*got, payloads) << "cut " << cut;
  }
  for (std::size_t a = 0; a <= stream.size(); ++a) {
    for (std::size_t b = a; b <= stream.size(); ++b) {
      auto got = decode_pieces(stream, {a, b});
      ASSERT_TRUE(got) << "cuts " << a << "," << b;
      EXPECT_EQ(*got, payloads);
    }
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  auto got = decode_pieces(stream, every);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, payloads);
}

TEST(Frame, PartialFrameWaits) {
  const Bytes f = encode_frame(bytes_of("abcdef"));
  FrameDecoder d;
  d.feed(ByteView(f.data(), f.size() - 1));
  auto r = d.next();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(d.buffered(), f.size() - 1);
}

TEST(Frame, LengthAtLimitAcceptedAboveRejected) {
  const Bytes at = encode_frame(Bytes(100, 7), {.max_frame_bytes = 100});
  auto ok = decode_pieces(at, {}, 100);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].size(), 100U);

  const Bytes above = encode_frame(Bytes(101, 7));
  auto bad = decode_pieces(above, {}, 100);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().code(), Code::kResourceExhausted);
}

// A hostile 4 GiB length is rejected from the header alone, before any body arrives.
TEST(Frame, HugeLengthRejectedFromHeader) {
  FrameDecoder d;
  const Bytes header = {0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  d.feed(header);
  auto r = d.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(d.failed());
  // Sticky: more bytes do not revive the stream.
  d.feed(encode_frame(bytes_of("x")));
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 0U);
}

TEST(Frame, UnknownFlagsRejected) {
  for (std::uint8_t flags : {0x04, 0x03, 0x80}) {  // unknown bit; both checksum kinds at once
    Bytes f = encode_frame(bytes_of("x"));
    f[4] = flags;
    auto r = decode_pieces(f, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("flags"), std::string::npos);
  }
}

TEST(Frame, FirstFormatXxh32ChecksumStillAccepted) {
  const Bytes payload = bytes_of("legacy");
  Bytes f = {0, 0, 0, 6, kFrameFlagChecksum};
  const std::uint32_t c = checksum32(payload);
  for (int shift : {24, 16, 8, 0}) f.push_back(static_cast<std::uint8_t>(c >> shift));
  f.insert(f.end(), payload.begin(), payload.end());
  auto got = decode_pieces(f, {});
  ASSERT_TRUE(got) << got.status().to_string();
  EXPECT_EQ((*got)[0], payload);
  f.back() ^= 1;
  EXPECT_FALSE(decode_pieces(f, {}));
}

TEST(Frame, PrefixPlusBodyPiecesIsTheSameFrame) {
  const Bytes head = bytes_of("head:");
  ByteChain body;
  body.append(Bytes(100'000, 9));
  body.append(bytes_of("middle"));
  body.append(Bytes(70'000, 3));
  Bytes whole = head;
  const Bytes flat = body.flatten();
  whole.insert(whole.end(), flat.begin(), flat.end());
  Bytes split = frame_prefix(head, body);
  split.insert(split.end(), flat.begin(), flat.end());
  EXPECT_EQ(split, encode_frame(whole));
  EXPECT_EQ(frame_prefix(head, ByteChain{}), encode_frame(head));
}

// A frame somebody kept (through owner()) is never overwritten: the decoder moves to a new buffer.
TEST(Frame, KeptFramesStayIntactWhileTheDecoderReadsOn) {
  FrameDecoder d;
  const Bytes a(1000, 1);
  const Bytes b(1000, 2);
  const Bytes fa = encode_frame(a);
  const Bytes fb = encode_frame(b);
  d.feed(fa);
  auto va = d.next_view();
  ASSERT_TRUE(va && va->has_value());
  const SharedBytes kept(d.owner(), **va);
  d.feed(fb);
  auto vb = d.next_view();
  ASSERT_TRUE(vb && vb->has_value());
  EXPECT_NE((*vb)->data(), kept.data());  // a new buffer, not the kept one
  EXPECT_EQ(kept.to_bytes(), a);
  EXPECT_EQ(Bytes((*vb)->begin(), (*vb)->end()), b);
  // Nobody keeps b's buffer: the decoder reuses it.
  const std::uint8_t* b_buffer = (*vb)->data();
  d.feed(fa);
  auto vc = d.next_view();
  ASSERT_TRUE(vc && vc->has_value());
  EXPECT_EQ((*vc)->data(), b_buffer);
}

TEST(Frame, ReadInPlaceAsksForTheWholeLargeFrame) {
  const Bytes payload(1U << 20U, 5);
  const Bytes f = encode_frame(payload);
  FrameDecoder d;
  auto first = d.prepare(64);
  std::memcpy(first.data(), f.data(), 64);
  d.commit(64);
  ASSERT_TRUE(d.next_view());
  auto rest = d.prepare(64);  // the header is known: room for everything that is missing
  ASSERT_GE(rest.size(), f.size() - 64);
  std::memcpy(rest.data(), f.data() + 64, f.size() - 64);
  d.commit(f.size() - 64);
  auto v = d.next_view();
  ASSERT_TRUE(v && v->has_value());
  EXPECT_TRUE(std::equal((*v)->begin(), (*v)->end(), payload.begin(), payload.end()));
  EXPECT_EQ(d.buffered(), 0U);
}

TEST(Frame, CorruptedPayloadOrChecksumRejected) {
  const Bytes good = encode_frame(bytes_of("payload"));
  for (std::size_t i = kFrameHeaderBytes; i < good.size(); ++i) {
    Bytes f = good;
    f[i] ^= 0x01;
    auto r = decode_pieces(f, {});
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.status().code(), Code::kDataLoss);
  }
}

TEST(Frame, SingleFrameDatagram) {
  const Bytes f = encode_frame(bytes_of("dgram"));
  auto ok = decode_single_frame(f, kDefaultMaxFrameBytes);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, bytes_of("dgram"));

  Bytes longer = f;
  longer.push_back(0);
  EXPECT_FALSE(decode_single_frame(longer, kDefaultMaxFrameBytes));
  EXPECT_FALSE(decode_single_frame(ByteView(f.data(), f.size() - 1), kDefaultMaxFrameBytes));
  EXPECT_FALSE(decode_single_frame(ByteView(f.data(), 3), kDefaultMaxFrameBytes));
  EXPECT_FALSE(decode_single_frame(f, 2));
}

}  // namespace
}  // namespace synod
