#include "synod/ntp/ntp_protocol.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "synod/ntp/ntp_checker.hpp"
#include "synod/ntp/selection.hpp"

namespace synod::ntp {
namespace {

enum class Timer : std::uint8_t { kPoll = 1 };
const std::uint64_t kPollTag = TimerTag::of(Timer::kPoll).raw();
// RFC 5905's PHI: the dispersion a sample gains per second of age (15 ppm).
constexpr double kPhi = 15e-6;

}  // namespace

NtpProtocol::NtpProtocol(NtpOptions options, const KeyRing* keys)
    : options_(std::move(options)),
      server_(ServerPolicy{}, keys),
      discipline_(clock_, options_.discipline) {}

// N2: one more than the system peer's (the N2 mutant claims the peer's own stratum).
std::uint8_t NtpProtocol::stratum() const {
  if (local_reference_) return static_cast<std::uint8_t>(options_.local_stratum);
  if (synced_stratum_ == 0) return kStratumUnsynchronized;
  const int own = options_.mutant.breaks("N2") ? synced_stratum_ : synced_stratum_ + 1;
  return static_cast<std::uint8_t>(std::min<int>(own, 15));
}

ServerIdentity NtpProtocol::identity(Context& ctx) const {
  if (local_reference_) {
    return ServerIdentity::local_reference(static_cast<std::uint8_t>(options_.local_stratum),
                                           soft_now(ctx));
  }
  ServerIdentity s;
  if (synced_stratum_ == 0) return s;
  s.stratum = stratum();
  s.leap = Leap::kNone;
  s.reference_id = system_peer_;  // a node id where an IPv4 address would be
  s.reference_time = reference_time_;
  s.root_delay = root_delay_;
  s.root_dispersion = root_dispersion_;
  return s;
}

void NtpProtocol::on_start(Context& ctx) {
  const auto& refs = options_.references;
  local_reference_ = std::find(refs.begin(), refs.end(), ctx.self()) != refs.end();
  std::vector<NodeId> servers = options_.servers;
  if (!options_.servers_given && !local_reference_) servers = refs;
  for (NodeId s : servers) {
    if (s != ctx.self()) assoc_[s].mode = Mode::kClient;
  }
  for (NodeId p : options_.peers) {
    if (p != ctx.self()) assoc_[p].mode = Mode::kSymmetricActive;
  }
  // Spread the first polls so that nodes started together do not poll in lockstep.
  const auto jitter = static_cast<std::int64_t>(
      ctx.rng().below(static_cast<std::uint64_t>(options_.poll.count() / 4) + 1));
  ctx.set_timer(options_.poll / 4 + Duration(jitter), kPollTag);
}

void NtpProtocol::on_timer(Context& ctx, std::uint64_t tag) {
  if (tag != kPollTag) return;
  ++ticks_;
  update_clock(ctx);
  // N4 (the mutant holds over forever).
  if (synced_stratum_ != 0 && ticks_ - last_update_tick_ > kHoldoverPolls &&
      !options_.mutant.breaks("N4")) {
    synced_stratum_ = 0;
  }
  if (options_.broadcast && synchronized()) send_broadcast(ctx);
  // N5 (the mutant stops polling once it has synchronized).
  if (!(options_.mutant.breaks("N5") && updates() > 0)) poll(ctx);
  // The clock as it stands, for checkers to judge against true time (ntp_checker.hpp).
  const Time host = ctx.now();
  const ServerIdentity me = identity(ctx);
  ctx.observe("ntp_tick", {{"committed_ns", clock_.committed(host).ns},
                           {"stratum", stratum()},
                           {"synced", synchronized() ? 1 : 0},
                           {"peer", local_reference_ ? 0 : static_cast<std::int64_t>(system_peer_)},
                           {"root_distance_ns", (me.root_delay / 2 + me.root_dispersion).count()}});
  ctx.set_timer(options_.poll, kPollTag);
}

void NtpProtocol::poll(Context& ctx) {
  for (auto& [id, a] : assoc_) {
    if (a.denied || (a.broadcast && a.calibrated)) continue;
    if (ticks_ % (std::uint64_t{1} << static_cast<unsigned>(a.poll_shift)) != 0) continue;
    if (a.sent != 0 && ++a.unanswered >= kUnreachPolls) {
      a.filter.clear();
      a.unanswered = 0;
    }
    const Time t1 = soft_now(ctx);
    Packet req = client_request(
        t1, static_cast<std::int8_t>(std::ilogb(std::max(1.0, options_.poll.count() * 1e-9))));
    req.mode = a.mode;
    if (a.mode == Mode::kSymmetricActive) {
      const ServerIdentity me = identity(ctx);
      req.stratum = me.stratum;
      req.leap = me.leap;
      if (a.peer_org != 0) {
        req.origin = a.peer_org;
        req.receive = to_timestamp(a.peer_rec);
      }
    }
    a.sent = req.transmit;
    a.sent_at = t1;
    ctx.send(id, encode(req));
  }
}

void NtpProtocol::send_broadcast(Context& ctx) {
  const ServerIdentity me = identity(ctx);
  const auto poll =
      static_cast<std::int8_t>(std::ilogb(std::max(1.0, options_.poll.count() * 1e-9)));
  for (NodeId peer : ctx.peers()) {
    Packet p = broadcast_packet(me, poll);
    p.transmit = to_timestamp(soft_now(ctx));
    ctx.send(peer, encode(p));
  }
}

void NtpProtocol::on_message(Context& ctx, NodeId from, ByteView payload) {
  auto p = decode(payload);
  if (!p) {
    ++bogus_;
    return;
  }
  if (p->mode == Mode::kSymmetricActive || p->mode == Mode::kSymmetricPassive) {
    auto it = assoc_.find(from);
    if (it != assoc_.end() && it->second.mode == Mode::kSymmetricActive) {
      on_peer(ctx, from, *p);
      return;
    }
  }
  switch (p->mode) {
    case Mode::kClient:
    case Mode::kSymmetricActive: {
      auto reply = server_.handle(payload, soft_now(ctx), from, identity(ctx));
      if (reply) ctx.send(from, Server::finish(std::move(*reply), soft_now(ctx)));
      return;
    }
    case Mode::kServer: on_reply(ctx, from, *p); return;
    case Mode::kBroadcast: on_broadcast(ctx, from, *p); return;
    default: ++bogus_; return;
  }
}

void NtpProtocol::on_reply(Context& ctx, NodeId from, const Packet& p) {
  auto it = assoc_.find(from);
  if (it == assoc_.end()) {
    ++bogus_;
    return;
  }
  Association& a = it->second;
  const Mode expect = a.mode == Mode::kClient ? Mode::kServer : Mode::kSymmetricPassive;
  const ReplyCheck check = check_reply(p, a.sent, expect);
  if (check == ReplyCheck::kBogusOrigin || check == ReplyCheck::kBadMode) {
    ++bogus_;
    return;
  }
  a.sent = 0;  // a duplicate of this reply now fails the origin check
  a.unanswered = 0;
  if (check == ReplyCheck::kKissRate) {
    a.poll_shift = std::min(a.poll_shift + 1, kMaxPollShift);
    return;
  }
  if (check == ReplyCheck::kKissDeny) {
    a.denied = true;
    a.filter.clear();
    return;
  }
  if (check != ReplyCheck::kOk) return;
  const Time t4 = soft_now(ctx);
  Sample s = make_sample(a.sent_at, from_timestamp(p.receive, a.sent_at),
                         from_timestamp(p.transmit, a.sent_at), t4);
  if (options_.mutant.breaks("N1")) s.offset = -s.offset;  // N1: the mutant flips theta
  s.at = ctx.now();
  s.offset -= clock_.pending_slew(s.at);  // against the virtual clock (see ClockFilter)
  s.stratum = p.stratum;
  s.root_delay = from_short(p.root_delay);
  s.root_dispersion = from_short(p.root_dispersion);
  if (a.broadcast) {
    a.broadcast_delay = s.delay / 2;
    a.calibrated = true;
  }
  a.filter.add(s);
}

void NtpProtocol::on_peer(Context& ctx, NodeId from, const Packet& p) {
  Association& a = assoc_[from];
  const Time dst = soft_now(ctx);
  // RFC 5905 section 8: a zero or repeated transmit is a duplicate; it changes nothing.
  if (p.transmit == 0 || p.transmit == a.peer_org) {
    ++bogus_;
    return;
  }
  // Usable only if it echoes our last transmit (else it crossed ours in flight, or is old) and
  // the peer has received something from us (rec != 0). Either way it becomes the org/rec we
  // send next, so the peer can use our next packet.
  const bool valid = a.sent != 0 && p.origin == a.sent && p.receive != 0;
  a.peer_org = p.transmit;
  a.peer_rec = dst;
  if (!valid) {
    ++bogus_;
    return;
  }
  a.unanswered = 0;
  Sample s = make_sample(a.sent_at, from_timestamp(p.receive, a.sent_at),
                         from_timestamp(p.transmit, a.sent_at), dst);
  s.at = ctx.now();
  s.offset -= clock_.pending_slew(s.at);
  s.stratum = p.stratum;
  s.root_delay = from_short(p.root_delay);
  s.root_dispersion = from_short(p.root_dispersion);
  ctx.observe("ntp_peer_sample", {{"peer", from},
                                  {"offset_ns", s.offset.count()},
                                  {"delay_ns", s.delay.count()},
                                  {"stratum", p.stratum}});
  // The peer's time is measured either way; it may drive our clock only if it has some.
  if (p.leap == Leap::kUnsynchronized || p.stratum == 0 || p.stratum >= kStratumUnsynchronized) {
    return;
  }
  a.filter.add(s);
}

void NtpProtocol::on_broadcast(Context& ctx, NodeId from, const Packet& p) {
  if (!options_.broadcast_client || local_reference_) return;
  if (p.leap == Leap::kUnsynchronized || p.stratum == 0 || p.stratum >= kStratumUnsynchronized) {
    return;
  }
  Association& a = assoc_[from];
  a.broadcast = true;
  if (!a.calibrated) return;  // the next poll calibrates the delay with a client exchange
  const Time t4 = soft_now(ctx);
  const Time t3 = from_timestamp(p.transmit, t4);
  Sample s;
  s.offset = (t3 + a.broadcast_delay) - t4;
  s.delay = a.broadcast_delay * 2;
  s.at = ctx.now();
  s.offset -= clock_.pending_slew(s.at);
  s.stratum = p.stratum;
  s.root_delay = from_short(p.root_delay);
  s.root_dispersion = from_short(p.root_dispersion);
  a.filter.add(s);
}

void NtpProtocol::update_clock(Context& ctx) {
  if (local_reference_) return;
  bool fresh = false;
  for (auto& [id, a] : assoc_) {
    if (a.filter.size() >= kMinFilterSamples && a.filter.take_new()) fresh = true;
  }
  if (!fresh) return;
  const Time host = ctx.now();
  std::vector<Candidate> candidates;
  for (const auto& [id, a] : assoc_) {
    const Sample* b = a.filter.best();
    // N3: never an unsynchronized server.
    if (a.denied || b == nullptr || a.filter.size() < kMinFilterSamples || b->stratum == 0 ||
        b->stratum >= kStratumUnsynchronized) {
      continue;
    }
    // N3: never a server that is synchronized to us (a loop between peers).
    if (synced_stratum_ != 0 && b->stratum > stratum()) continue;
    const double age_s = static_cast<double>((host - b->at).count()) * 1e-9;
    const Duration distance = b->delay / 2 + b->root_delay / 2 + b->root_dispersion +
                              a.filter.jitter() +
                              Duration(static_cast<std::int64_t>(kPhi * age_s * 1e9));
    candidates.push_back({id, b->offset, std::max(distance, options_.min_distance), b->stratum});
  }
  auto sel = select(candidates);
  if (!sel) return;
  falsetickers_ = sel->falsetickers;
  truechimers_ = sel->truechimers;
  const Sample* peer_best = assoc_[sel->system_peer].filter.best();
  const Applied applied = discipline_.update(host, peer_best->at, sel->offset);
  for (auto& [id, a] : assoc_) a.filter.shift(applied.at, applied.offset, applied.rate);
  synced_stratum_ = sel->stratum;
  system_peer_ = sel->system_peer;
  root_delay_ = peer_best->root_delay + peer_best->delay;
  root_dispersion_ = peer_best->root_dispersion + sel->distance;
  reference_time_ = soft_now(ctx);
  last_update_tick_ = ticks_;
  last_offset_ = sel->offset;
  ctx.observe("ntp_update", {{"offset_ns", sel->offset.count()},
                             {"stratum", stratum()},
                             {"peer", sel->system_peer},
                             {"falsetickers", static_cast<std::int64_t>(sel->falsetickers.size())},
                             {"freq_ppb", std::llround(clock_.frequency_ppm() * 1000)}});
}

void NtpProtocol::on_command(Context& ctx, CommandId id, std::string_view verb,
                             std::string_view args) {
  (void)args;
  if (verb == "status") {
    ctx.reply(id, status_json());
    return;
  }
  if (verb == "time") {
    ctx.reply(
        id,
        nlohmann::json{{"time_ns", soft_now(ctx).ns}, {"clock", clock_.status(ctx.now())}}.dump());
    return;
  }
  ctx.reply(id, R"({"error":"ntp: unknown command; try status or time"})");
}

std::string NtpProtocol::status_json() const {
  return nlohmann::json{{"stratum", stratum()},
                        {"synchronized", synchronized()},
                        {"system_peer", system_peer_},
                        {"updates", updates()},
                        {"last_offset_ns", last_offset_.count()},
                        {"frequency_ppm", clock_.frequency_ppm()},
                        {"truechimers", truechimers_},
                        {"falsetickers", falsetickers_},
                        {"served", server_.counters().replies},
                        {"bogus", bogus_}}
      .dump();
}

ProtocolSpec ntp_spec() {
  return {"ntp", "NTP (RFC 5905): servers, clients, peers, broadcast; disciplines a software clock",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_ntp_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<NtpProtocol>(*o));
          }};
}

CheckerList ntp_catalog_checkers(const ProtocolOptions& opts) {
  NtpCheckOptions c;
  // Options the protocol refuses leave the defaults: such a run never starts.
  if (auto o = parse_ntp_options(opts)) c.protocol = *o;
  return ntp_checkers(c);
}

Catalog catalog() {
  return {
      {.spec = ntp_spec(),
       .checkers = [](const ProtocolOptions& o) { return ntp_catalog_checkers(o); },
       .protocols = {kNtpProtocol},
       .options = {{"reference", "1", "local reference clocks (0: none)"},
                   {"local_stratum", "1", "the references' stratum (1..15)"},
                   {"servers", "the references", "servers each node polls"},
                   {"peers", "", "symmetric associations"},
                   {"broadcast", "0", "the references broadcast each poll"},
                   {"broadcast_client", "0", "listen to broadcasts"},
                   {"poll", "1s", "poll interval (at least 1ms)"},
                   {"min_distance", "1ms", "floor of a server's root distance"},
                   {"makestep", "1ms", "step above this in the first updates"},
                   {"makestep_limit", "3", "updates that may step"}},
       .mutants = {{.tag = "N1", .rule = "flips the sign of theta", .caught_by = "ntp"},
                   {.tag = "N2", .rule = "claims its peer's stratum", .caught_by = "ntp"},
                   {.tag = "N4",
                    .rule = "claims synchronization forever without updates",
                    .caught_by = "ntp"},
                   {.tag = "N5", .rule = "stops polling once synchronized", .caught_by = "ntp"}}}};
}

}  // namespace synod::ntp
