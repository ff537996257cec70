#include "synod/timesync/berkeley.hpp"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "synod/timesync/fault_tolerant_average.hpp"

namespace synod::timesync {
namespace {

// Readings and adjustments further than this from our own clock are garbage (a corrupt or
// hostile message); it also keeps every sum far from int64 overflow.
constexpr std::int64_t kMaxSaneNs = 24LL * 3600 * 1'000'000'000;

}  // namespace

Result<BerkeleyOptions> parse_berkeley_options(const ProtocolOptions& opts) {
  SYNOD_RETURN_IF_ERROR(check_keys(opts, "berkeley",
                                   {"master", "period", "rtt_limit", "reply_timeout",
                                    "max_deviation", "master_timeout", kMutantOption.data()}));
  BerkeleyOptions o;
  auto mutant = parse_mutant(opts, {"B1", "B2", "B3", "B4", "B5", "B6"});
  if (!mutant) return mutant.status();
  o.mutant = *mutant;
  auto clock = parse_clock_options(opts, "berkeley");
  if (!clock) return clock.status();
  o.clock = *clock;
  auto master = option_int(opts, "master", 0, 0, 1'000'000);
  if (!master) return master.status();
  o.master = static_cast<NodeId>(*master);
  for (auto [key, field] : {std::pair{"period", &o.period},
                            {"rtt_limit", &o.rtt_limit},
                            {"reply_timeout", &o.reply_timeout},
                            {"max_deviation", &o.max_deviation},
                            {"master_timeout", &o.master_timeout}}) {
    auto d = option_duration(opts, key, *field);
    if (!d) return d.status();
    *field = *d;
  }
  if (o.reply_timeout >= o.period) {
    return invalid_argument(
        "berkeley: reply_timeout must be shorter than period (each round ends before the next "
        "poll, which would otherwise cut every round short)");
  }
  if (o.master_timeout <= o.period) {
    return invalid_argument(
        "berkeley: master_timeout must be longer than period (a live master polls once a "
        "period, so every slave would take over between two of its polls)");
  }
  if (o.rtt_limit > o.reply_timeout) {
    return invalid_argument(
        "berkeley: rtt_limit must be at most reply_timeout (a reply later than reply_timeout "
        "misses its round, so a larger limit admits nothing more)");
  }
  if (o.max_deviation > std::chrono::hours(1)) {
    return invalid_argument("berkeley: max_deviation at most 1h");
  }
  return o;
}

Berkeley::Berkeley(BerkeleyOptions options)
    : options_(options), clock_(options_.clock.discipline) {}

void Berkeley::on_start(Context& ctx) {
  const Time host = ctx.now();
  last_host_ = host;
  clock_.correct(host, initial_offset_for(options_.clock, ctx.self(), ctx.peers()),
                 /*force_step=*/true);
  life_ = ctx.rng().next() >> 1U;
  last_heard_ = host;
  const auto peers = ctx.peers();
  const bool best = std::none_of(peers.begin(), peers.end(),
                                 [&](NodeId p) { return priority(p) < priority(ctx.self()); });
  ctx.set_timer(options_.period, TimerTag::of(Timer::kTick).raw());
  if (best) {
    set_master(ctx, true);
    start_round(ctx);
  }
}

Duration Berkeley::takeover_after(Context& ctx) const {
  const auto peers = ctx.peers();
  const auto better = std::count_if(peers.begin(), peers.end(),
                                    [&](NodeId p) { return priority(p) < priority(ctx.self()); });
  return options_.master_timeout + options_.period * std::max<std::int64_t>(0, better - 1);
}

void Berkeley::set_master(Context& ctx, bool on) {
  if (master_ == on) return;
  master_ = on;
  if (on) following_ = ctx.self();
  if (!on) collecting_ = false;
  ctx.observe("master", {{"on", on ? 1 : 0}});
}

void Berkeley::on_timer(Context& ctx, std::uint64_t tag) {
  last_host_ = ctx.now();
  const TimerTag t = TimerTag::from(tag);
  if (t.kind<Timer>() == Timer::kTick) {
    ctx.set_timer(options_.period, TimerTag::of(Timer::kTick).raw());
    tick(ctx);
  } else if (t.kind<Timer>() == Timer::kCollect && collecting_) {
    finish_round(ctx);
  }
}

void Berkeley::tick(Context& ctx) {
  if (!master_ && ctx.now() - last_heard_ >= takeover_after(ctx)) set_master(ctx, true);  // B6
  if (master_) start_round(ctx);
}

// B1
void Berkeley::start_round(Context& ctx) {
  if (collecting_) finish_round(ctx);
  const Time host = ctx.now();
  collecting_ = true;
  round_ = ctx.rng().next() >> 1U;
  round_gen_ = gen_;
  polled_.clear();
  samples_.clear();
  rejected_ = 0;
  samples_.push_back({ctx.self(), 0, 0, life_, gen_});
  ctx.observe("poll", {{"round", static_cast<std::int64_t>(round_)}});
  const Bytes poll = wire::encode(
      BerkeleyMessage{static_cast<std::uint32_t>(BerkeleyType::kPoll), round_, 0, 0, 0, 0, 0, 0});
  if (options_.mutant.breaks("B1")) return;  // the mutant never polls its peers
  for (NodeId p : ctx.peers()) {
    polled_[p] = host;
    ctx.send(p, poll);
  }
  ctx.set_timer(options_.reply_timeout, TimerTag::of(Timer::kCollect).raw());
}

void Berkeley::on_message(Context& ctx, NodeId from, ByteView payload) {
  last_host_ = ctx.now();
  auto m = wire::decode<BerkeleyMessage>(payload);
  if (!m) {
    ++decode_errors_;
    return;
  }
  switch (static_cast<BerkeleyType>(m->type)) {
    case BerkeleyType::kPoll: on_poll(ctx, from, *m); break;
    case BerkeleyType::kReply: on_reply(ctx, from, *m); break;
    case BerkeleyType::kAdjust: on_adjust(ctx, from, *m); break;
    default: ++decode_errors_; break;
  }
}

// B2, B6
void Berkeley::on_poll(Context& ctx, NodeId from, const BerkeleyMessage& m) {
  const Time host = ctx.now();
  if (priority(from) < priority(ctx.self())) {
    last_heard_ = host;
    if (!options_.mutant.breaks("B6")) set_master(ctx, false);  // the mutant never steps down
  }
  if (!master_) following_ = from;
  // The mutant answers with its reading, as if no slew were in progress.
  const Time clock = options_.mutant.breaks("B2") ? clock_.read(host) : committed(host);
  BerkeleyMessage reply{
      static_cast<std::uint32_t>(BerkeleyType::kReply), m.round, clock.ns, life_, gen_, 0, 0, 0};
  ctx.send(from, wire::encode(reply));
}

// B3
void Berkeley::on_reply(Context& ctx, NodeId from, const BerkeleyMessage& m) {
  if (!collecting_ || m.round != round_) return;
  const auto sent = polled_.find(from);
  if (sent == polled_.end()) return;  // not polled, or already answered (a duplicate)
  const Time host = ctx.now();
  const std::int64_t rtt = (host - sent->second).count();
  polled_.erase(sent);
  const std::int64_t own = committed(host).ns;
  ctx.observe("reply", {{"node", from}, {"round", static_cast<std::int64_t>(round_)}});
  const bool too_slow = rtt > options_.rtt_limit.count() && !options_.mutant.breaks("B3");
  if (rtt <= 0 || too_slow || m.value_ns < own - kMaxSaneNs || m.value_ns > own + kMaxSaneNs) {
    ++rejected_;
    return;
  }
  samples_.push_back({from, m.value_ns + rtt / 2 - own, rtt, m.life, m.gen});
}

// B4
void Berkeley::finish_round(Context& ctx) {
  collecting_ = false;
  if (gen_ != round_gen_) {
    // Our own clock moved during the round (another master adjusted it): the diffs are stale.
    ++stale_;
    ctx.observe("stale", {{"master", ctx.self()}, {"round", static_cast<std::int64_t>(round_)}});
    return;
  }
  std::vector<std::int64_t> diffs;
  diffs.reserve(samples_.size());
  std::int64_t max_rtt = 0;
  for (const Sample& s : samples_) {
    diffs.push_back(s.diff_ns);
    max_rtt = std::max(max_rtt, s.rtt_ns);
  }
  // The B4 mutant averages every clock, faulty ones included.
  const std::int64_t window =
      options_.mutant.breaks("B4") ? kMaxSaneNs : options_.max_deviation.count();
  const AverageResult avg = fault_tolerant_average(diffs, window, 0);
  last_round_ = {round_,
                 static_cast<std::uint32_t>(samples_.size()),
                 static_cast<std::uint32_t>(avg.count),
                 rejected_ + static_cast<std::uint32_t>(polled_.size()),
                 avg.average_ns,
                 max_rtt};
  ++rounds_;
  ctx.observe("round", {{"round", static_cast<std::int64_t>(round_)},
                        {"sampled", last_round_.sampled},
                        {"included", last_round_.included},
                        {"rejected", last_round_.rejected},
                        {"avg_ns", avg.average_ns},
                        {"max_rtt_ns", max_rtt}});
  const std::int64_t limit = options_.max_deviation.count();
  for (std::size_t i = 0; i < samples_.size(); ++i) {
    const Sample& s = samples_[i];
    const std::int64_t adj = avg.average_ns - s.diff_ns;
    if (s.node == ctx.self()) continue;  // applied last: the others' adjustments are relative
    BerkeleyMessage a{static_cast<std::uint32_t>(BerkeleyType::kAdjust),
                      round_,
                      adj,
                      s.life,
                      s.gen,
                      s.rtt_ns,
                      avg.included[i] ? 1U : 0U,
                      limit};
    ctx.send(s.node, wire::encode(a));
  }
  apply(ctx, ctx.self(), round_, avg.average_ns - samples_[0].diff_ns, 0, avg.included[0], limit);
}

// B5
void Berkeley::on_adjust(Context& ctx, NodeId from, const BerkeleyMessage& m) {
  const bool stale = (m.life != life_ || m.gen != gen_) && !options_.mutant.breaks("B5");
  if (stale || std::llabs(m.value_ns) > kMaxSaneNs) {
    ++stale_;
    ctx.observe("stale", {{"master", from}, {"round", static_cast<std::int64_t>(m.round)}});
    return;
  }
  apply(ctx, from, m.round, m.value_ns, m.rtt_ns, m.included != 0, m.limit_ns);
}

void Berkeley::apply(Context& ctx, NodeId master, std::uint64_t round, std::int64_t adj,
                     std::int64_t rtt, bool included, std::int64_t limit) {
  const Time host = ctx.now();
  // The adjustment is relative to the committed reading the node reported, so what remains of a
  // slew is kept and the adjustment added to it (correct() replaces the remaining slew).
  clock_.correct(host, clock_.pending_slew(host) + Duration(adj));
  ++gen_;
  ctx.observe("adjust", {{"master", master},
                         {"round", static_cast<std::int64_t>(round)},
                         {"adj_ns", adj},
                         {"committed_ns", committed(host).ns},
                         {"rtt_ns", rtt},
                         {"included", included ? 1 : 0},
                         {"limit_ns", limit}});
}

void Berkeley::on_command(Context& ctx, CommandId id, std::string_view verb,
                          std::string_view args) {
  (void)args;
  last_host_ = ctx.now();
  if (verb == "status") {
    ctx.reply(id, status_json());
  } else if (verb == "round") {
    if (!master_) {
      ctx.reply(id,
                nlohmann::json{{"error", "not the master; ask node " + std::to_string(following_)}}
                    .dump());
      return;
    }
    start_round(ctx);
    ctx.reply(id, nlohmann::json{{"round", round_}}.dump());
  } else {
    ctx.reply(id, R"({"error":"berkeley takes: status, round"})");
  }
}

std::string Berkeley::status_json() const {
  const Time host = last_host_;
  return nlohmann::json{{"role", master_ ? "master" : "slave"},
                        {"master", following_},
                        {"offset_ns", (clock_.read(host) - host).count()},
                        {"committed_offset_ns", (committed(host) - host).count()},
                        {"rounds", rounds_},
                        {"adjustments", gen_},
                        {"stale", stale_},
                        {"last_round",
                         {{"sampled", last_round_.sampled},
                          {"included", last_round_.included},
                          {"rejected", last_round_.rejected},
                          {"avg_ns", last_round_.avg_ns},
                          {"max_rtt_ns", last_round_.max_rtt_ns}}},
                        {"clock", clock_.status(host)}}
      .dump();
}

}  // namespace synod::timesync
