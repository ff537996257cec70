// libFuzzer target for the RPC request path: decoding arbitrary bytes as an RpcFrame, and the
// skeleton's unmarshalling of a request payload, must never crash, hang or trip a sanitizer;
// whatever decodes must survive encode -> decode unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "synod/rpc/messages.hpp"
#include "synod/rpc/skeleton.hpp"
#include "synod/rpc/workload.hpp"

namespace {

using synod::Bytes;
using synod::ByteView;
namespace wire = synod::wire;
namespace rpc = synod::rpc;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "rpc_request_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  wire::Limits tight;  // the endpoint's shape of limits, scaled down
  tight.max_bytes = 1U << 16U;
  tight.max_depth = 4;
  tight.max_repeated = 16;
  tight.max_string = 4096;
  auto frame = wire::decode<rpc::RpcFrame>(input, tight);
  // The zero-copy path (a received buffer handed over as SharedBytes) must agree with the copying
  // one on every input.
  const synod::SharedBytes shared = synod::SharedBytes::copy_of(input);
  wire::Limits aliasing = tight;
  aliasing.min_alias_bytes = 0;
  auto aliased = wire::decode<rpc::RpcFrame>(shared, aliasing);
  if (frame.is_ok() != aliased.is_ok()) fail("aliasing decode disagrees");
  if (frame.is_ok() && wire::encode(*frame) != wire::encode(*aliased))
    fail("aliased frame differs");
  if (frame.is_ok()) {
    const Bytes once = wire::encode(*frame);
    auto again = wire::decode<rpc::RpcFrame>(once);
    if (!again.is_ok() || wire::encode(*again) != once) fail("frame round trip");
  }
  // The skeleton: every method of the workload's Counter, on these bytes as a payload. It may
  // only return a status or an invocation (which is not run: no endpoint here).
  auto servant = std::make_shared<rpc::workload::CounterServant>();
  const auto& sk = rpc::Skeleton<rpc::workload::Counter>::instance();
  for (std::uint32_t method = 0; method <= 6; ++method) {
    auto inv = sk.prepare(servant, method, shared, tight);
    if (!inv.is_ok() && inv.status().message().empty()) fail("error without a message");
  }
  return 0;
}
