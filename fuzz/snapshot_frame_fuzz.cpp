// libFuzzer target for the snapshot layer's input path: arbitrary frames from two peers into a
// SnapshotLayer hosting the bank, then every timer; nothing may crash, hang or trip a sanitizer,
// and the bank's balance never goes negative. Input: chunks of [peer selector, length, bytes].
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "synod/channel/channel_test_util.hpp"
#include "synod/snapshot/bank.hpp"
#include "synod/snapshot/snapshot_layer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace synod;
  channel::testing::FakeContext ctx(1, {2, 3});
  auto bank = std::make_unique<snapshot::Bank>(snapshot::BankOptions{});
  const snapshot::Bank* b = bank.get();
  snapshot::SnapshotLayer layer(std::move(bank), snapshot::SnapshotOptions{});
  layer.on_start(ctx);
  std::size_t i = 0;
  while (i + 2 <= size) {
    const NodeId from = (data[i] & 1U) != 0 ? 3 : 2;
    const std::size_t n = std::min<std::size_t>(data[i + 1], size - i - 2);
    layer.on_message(ctx, from, ByteView(data + i + 2, n));
    if ((data[i] & 2U) != 0) layer.on_peer_event(ctx, from, PeerEvent::kRestarted);
    i += 2 + n;
  }
  ctx.advance(layer, std::chrono::seconds(30));
  if (b->balance() < 0) {
    std::fprintf(stderr, "snapshot_frame_fuzz: negative balance\n");
    std::abort();
  }
  return 0;
}
