// libFuzzer target for the NTP packet decoder and the server and key-file parsers: arbitrary bytes
// must never crash, hang or trip a sanitizer; whatever decodes must re-encode to the same bytes
// (header and MAC; extension fields are skipped, so only packets without them are compared).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "synod/ntp/auth.hpp"
#include "synod/ntp/packet.hpp"
#include "synod/ntp/server.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ntp_packet_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ntp = synod::ntp;
  const synod::ByteView input(data, size);
  auto p = ntp::decode(input);
  if (p.is_ok()) {
    if (p->authenticated_bytes > size) fail("MAC range past the packet");
    if (p->authenticated_bytes == ntp::kHeaderBytes) {
      const synod::Bytes again = ntp::encode(*p);
      if (again.size() != size || !std::equal(again.begin(), again.end(), data)) {
        fail("encode(decode(x)) != x");
      }
    }
  } else if (p.status().message().empty()) {
    fail("error without a message");
  }
  static ntp::KeyRing keys = [] {
    ntp::KeyRing k;
    k.add(ntp::Key{1, ntp::KeyType::kMd5, synod::Bytes(8, 1)});
    k.add(ntp::Key{2, ntp::KeyType::kAes128Cmac, synod::Bytes(16, 2)});
    return k;
  }();
  ntp::Server server(ntp::ServerPolicy{std::chrono::seconds(1), false}, &keys);
  auto reply = server.handle(input, synod::Time{1'767'225'600'000'000'000}, 1,
                             ntp::ServerIdentity::local_reference(1, synod::Time{}));
  if (reply) {
    const synod::Bytes out = ntp::Server::finish(*reply, synod::Time{1'767'225'600'000'000'001});
    if (!ntp::decode(out).is_ok()) fail("server reply does not decode");
  }
  (void)ntp::parse_key_file(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
