// synod ntp query HOST[:PORT] [--json] [--samples N] [--keys FILE --key ID]
// One client exchange (or N, keeping the lowest-delay one, as the clock filter does) with any NTP
// server; prints offset, delay, stratum, refid and leap. Exit 1 when no valid reply arrives.
// Also registers the `synod ntp` subcommands (serve, query, sync, peer).
#include <cstdio>
#include <memory>
#include <optional>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <nlohmann/json.hpp>

#include "apps/synod/cmd_ntp.hpp"
#include "apps/synod/cmd_ntp_io.hpp"
#include "synod/node/registry.hpp"
#include "synod/ntp/auth.hpp"
#include "synod/ntp/exchange.hpp"

#include <poll.h>

namespace synod::app {
namespace {

struct Answer {
  ntp::Packet packet;
  ntp::Sample sample;
  ntp::AuthResult auth = ntp::AuthResult::kNone;
};

// One exchange; the reply must pass the origin check (others are discarded until the timeout).
Result<Answer> exchange(asio::ip::udp::socket& s, const asio::ip::udp::endpoint& to,
                        const ntp::KeyRing* keys, const ntp::Key* key, Duration timeout) {
  const Time t1 = ntp_io::wall_now();
  ntp::Packet req = ntp::client_request(t1, 0);
  if (key != nullptr) ntp::sign(req, *key);
  const Bytes out = ntp::encode(req);
  asio::error_code ec;
  s.send_to(asio::buffer(out), to, 0, ec);
  if (ec) return unavailable("send: " + ec.message());
  std::array<std::uint8_t, ntp::kMaxPacketBytes + 1> buf{};
  const Time deadline = t1 + timeout;
  for (int attempts = 0; attempts < 64; ++attempts) {
    const Duration left = deadline - ntp_io::wall_now();
    if (left.count() <= 0) break;
    pollfd pfd{s.native_handle(), POLLIN, 0};
    const int ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
    if (::poll(&pfd, 1, ms) <= 0) break;
    asio::ip::udp::endpoint from;
    const std::size_t n = s.receive_from(asio::buffer(buf), from, 0, ec);
    const Time t4 = ntp_io::wall_now();
    if (ec) continue;
    auto reply = ntp::decode(ByteView(buf.data(), n));
    if (!reply) continue;
    const auto check = ntp::check_reply(*reply, req.transmit);
    if (check == ntp::ReplyCheck::kBogusOrigin || check == ntp::ReplyCheck::kBadMode) continue;
    if (check != ntp::ReplyCheck::kOk) {
      return unavailable("server answered " + std::string(ntp::reply_check_name(check)));
    }
    Answer a;
    a.packet = *reply;
    if (keys != nullptr) a.auth = ntp::verify(*reply, ByteView(buf.data(), n), *keys);
    a.sample = ntp::make_sample(t1, ntp::from_timestamp(reply->receive, t1),
                                ntp::from_timestamp(reply->transmit, t1), t4);
    return a;
  }
  return unavailable("no reply within " + format_duration(timeout));
}

std::string_view leap_name(ntp::Leap l) {
  switch (l) {
    case ntp::Leap::kNone: return "none";
    case ntp::Leap::kInsert: return "insert";
    case ntp::Leap::kDelete: return "delete";
    case ntp::Leap::kUnsynchronized: return "unsynchronized";
  }
  return "?";
}

}  // namespace

int run_ntp_query(const NtpQueryArgs& a) {
  auto timeout = parse_duration(a.timeout);
  auto gap = parse_duration(a.gap);
  if (!timeout || !gap || timeout->count() <= 0 || a.samples < 1 || a.samples > 64) {
    std::fprintf(stderr, "synod ntp query: bad --timeout, --gap or --samples (1..64)\n");
    return kExitUsage;
  }
  std::optional<ntp::KeyRing> keys;
  const ntp::Key* key = nullptr;
  if (!a.keys.empty()) {
    auto loaded = ntp_io::load_keys(a.keys);
    if (!loaded) {
      std::fprintf(stderr, "synod ntp query: %s\n", loaded.status().message().c_str());
      return kExitUsage;
    }
    keys = std::move(*loaded);
    if (a.key_id != 0 && (key = keys->find(a.key_id)) == nullptr) {
      std::fprintf(stderr, "synod ntp query: key %u not in %s\n", a.key_id, a.keys.c_str());
      return kExitUsage;
    }
  }
  asio::io_context io;
  auto to = ntp_io::resolve(io, a.server);
  if (!to) {
    std::fprintf(stderr, "synod ntp query: %s\n", to.status().message().c_str());
    return kExitUsage;
  }
  asio::ip::udp::socket socket(io);
  socket.open(to->protocol());
  std::optional<Answer> best;
  std::string last_error;
  for (int i = 0; i < a.samples; ++i) {
    if (i > 0) ::poll(nullptr, 0, static_cast<int>(gap->count() / 1'000'000));
    auto r = exchange(socket, *to, keys ? &*keys : nullptr, key, *timeout);
    if (!r) {
      last_error = r.status().message();
      continue;
    }
    if (!best || r->sample.delay < best->sample.delay) best = *r;
  }
  if (!best) {
    std::fprintf(stderr, "synod ntp query: %s: %s\n", a.server.c_str(), last_error.c_str());
    return kExitFailed;
  }
  const auto& p = best->packet;
  const double offset_s = static_cast<double>(best->sample.offset.count()) * 1e-9;
  const double delay_s = static_cast<double>(best->sample.delay.count()) * 1e-9;
  const std::string refid = ntp::refid_to_string(p.reference_id, p.stratum);
  if (a.json) {
    nlohmann::json j = {{"server", a.server},
                        {"offset_s", offset_s},
                        {"delay_s", delay_s},
                        {"stratum", p.stratum},
                        {"refid", refid},
                        {"leap", leap_name(p.leap)},
                        {"version", p.version},
                        {"poll", p.poll},
                        {"precision", p.precision},
                        {"root_delay_s", ntp::from_short(p.root_delay).count() * 1e-9},
                        {"root_dispersion_s", ntp::from_short(p.root_dispersion).count() * 1e-9},
                        {"auth", ntp::auth_result_name(best->auth)}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("%s offset %+.6f s delay %.6f s stratum %d refid %s leap %s%s\n", a.server.c_str(),
                offset_s, delay_s, p.stratum, refid.c_str(), std::string(leap_name(p.leap)).c_str(),
                keys ? (" auth " + std::string(ntp::auth_result_name(best->auth))).c_str() : "");
  }
  if (key != nullptr && best->auth != ntp::AuthResult::kOk) return kExitFailed;
  return kExitOk;
}

void add_ntp_command(CLI::App& app, Commands& out) {
  CLI::App* ntp = app.add_subcommand("ntp", "NTP (RFC 5905) on real UDP: serve, query, sync, peer");
  ntp->require_subcommand(1);

  auto s = std::make_shared<NtpServeArgs>();
  CLI::App* serve = ntp->add_subcommand("serve", "Answer NTP clients from this host's clock");
  serve->add_option("--port", s->port, "UDP port (default 123)")->check(CLI::Range(0, 65535));
  serve->add_option("--bind", s->bind, "Address to listen on (default 127.0.0.1)");
  serve->add_option("--stratum", s->stratum, "Stratum of the local reference (default 10)");
  serve->add_option("--keys", s->keys, "Key file (chrony or ntpsec format)");
  serve->add_flag("--require-auth", s->require_auth, "Answer unauthenticated requests with DENY");
  serve->add_option("--rate-limit", s->rate_limit, "Min interval per client, else RATE kiss");
  serve->add_option("--duration", s->duration, "Stop after this long (default: until signalled)");
  serve->add_option("--broadcast", s->broadcast,
                    "Also send broadcast (mode 5) packets to this multicast group or broadcast "
                    "address, ADDR[:PORT]");
  serve->add_option("--interval", s->interval, "Between broadcasts (default 1s)");
  out.push_back({serve, [s] { return run_ntp_serve(*s); }});

  auto q = std::make_shared<NtpQueryArgs>();
  CLI::App* query = ntp->add_subcommand("query", "Ask one NTP server for the time");
  query->add_option("server", q->server, "HOST[:PORT] (port 123 by default)")->required();
  query->add_flag("--json", q->json, "One JSON object");
  query->add_option("--samples", q->samples, "Exchanges; the lowest-delay one is reported");
  query->add_option("--gap", q->gap, "Pause between exchanges (default 50ms)");
  query->add_option("--timeout", q->timeout, "Wait per exchange (default 2s)");
  query->add_option("--keys", q->keys, "Key file (chrony or ntpsec format)");
  query->add_option("--key", q->key_id, "Authenticate with this key id");
  out.push_back({query, [q] { return run_ntp_query(*q); }});

  auto y = std::make_shared<NtpSyncArgs>();
  CLI::App* sync = ntp->add_subcommand(
      "sync", "Discipline a software clock from NTP servers for a while (never the host's)");
  sync->add_option("servers", y->servers, "HOST[:PORT] of each server");
  sync->add_option("--broadcast-client", y->broadcast_client,
                   "Listen for broadcasts on this multicast group or broadcast address, ADDR:PORT");
  sync->add_option("--poll", y->poll, "Poll interval (default 1s)");
  sync->add_option("--duration", y->duration, "How long to run (default 10s)");
  sync->add_option("--clock-offset", y->clock_offset,
                   "Pretend the host clock is off by this much, e.g. -20ms (default 0s)");
  sync->add_flag("--json", y->json, "JSON lines");
  out.push_back({sync, [y] { return run_ntp_sync(*y); }});

  auto r = std::make_shared<NtpPeerArgs>();
  CLI::App* peer = ntp->add_subcommand(
      "peer", "Symmetric active association (mode 1) with other NTP peers over UDP");
  peer->add_option("--port", r->port, "UDP port to listen on")
      ->required()
      ->check(CLI::Range(1, 65535));
  peer->add_option("--bind", r->bind, "Address to listen on (default 127.0.0.1)");
  peer->add_option("--peer", r->peers, "HOST:PORT of a peer (repeatable)")->required();
  peer->add_option("--stratum", r->stratum,
                   "Be a local reference of this stratum (default: none, sync from peers)")
      ->check(CLI::Range(0, 15));
  peer->add_option("--poll", r->poll, "Poll interval (default 1s)");
  peer->add_option("--duration", r->duration, "How long to run (default 10s)");
  peer->add_option("--clock-offset", r->clock_offset,
                   "Pretend the host clock is off by this much, e.g. 20ms (default 0s)");
  peer->add_flag("--json", r->json, "JSON lines");
  out.push_back({peer, [r] { return run_ntp_peer(*r); }});
}

}  // namespace synod::app
