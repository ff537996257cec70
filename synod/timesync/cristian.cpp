#include "synod/timesync/cristian.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "synod/rpc/proxy.hpp"
#include "synod/timesync/time_server.hpp"

namespace synod::timesync {

Result<CristianOptions> parse_cristian_options(const ProtocolOptions& opts) {
  SYNOD_RETURN_IF_ERROR(
      check_keys(opts, "cristian",
                 {"servers", "samples", "period", "timeout", "sample_gap", kMutantOption.data()}));
  CristianOptions o;
  auto mutant = parse_mutant(opts, {"C1", "C2", "C3", "C4", "C5"});
  if (!mutant) return mutant.status();
  o.mutant = *mutant;
  auto clock = parse_clock_options(opts, "cristian");
  if (!clock) return clock.status();
  o.clock = *clock;
  if (auto it = opts.find("servers"); it != opts.end()) {
    auto list = parse_node_list(it->second, "servers");
    if (!list) return list.status();
    if (list->empty()) return invalid_argument("cristian: option servers: name at least one node");
    o.servers = *list;
  }
  auto samples = option_int(opts, "samples", o.samples, 1, 64);
  if (!samples) return samples.status();
  o.samples = static_cast<std::uint32_t>(*samples);
  auto period = option_duration(opts, "period", o.period);
  if (!period) return period.status();
  auto timeout = option_duration(opts, "timeout", o.timeout);
  if (!timeout) return timeout.status();
  auto gap = option_duration(opts, "sample_gap", o.sample_gap);
  if (!gap) return gap.status();
  o.period = *period;
  o.timeout = *timeout;
  o.sample_gap = *gap;
  // A deadline shorter than any network round trip fails every call: the client never syncs.
  if (o.timeout < kMinCallTimeout) {
    return invalid_argument(
        "cristian: option timeout: at least 1ms (a shorter deadline fails "
        "every call before its reply can arrive, so no client ever syncs)");
  }
  return o;
}

// The client side, an App of the endpoint so that it can use proxies and the endpoint's timers.
class Cristian::Client final : public rpc::App {
 public:
  Client(Cristian& owner, std::vector<NodeId> servers)
      : owner_(owner), servers_(std::move(servers)) {}

  void on_start(rpc::Endpoint& ep) override {
    ep_ = &ep;
    start_round();
  }

  NodeId server() const { return servers_[current_]; }

 private:
  struct Best {
    bool set = false;  // false: no sample yet
    std::int64_t rtt_ns = 0;
    std::int64_t offset_ns = 0;
    std::uint64_t nonce = 0;
  };

  Context& ctx() { return ep_->context(); }

  void start_round() {
    ++round_;
    taken_ = 0;
    best_ = {};
    sample();
  }

  // One call to the current server (C1: calls are sequential, so RTTs do not queue behind each
  // other).
  void sample() {
    const NodeId server = servers_[current_];
    const std::uint64_t nonce = ctx().rng().next() >> 1U;  // a non-negative int64 in observations
    const Time t0 = ctx().now();
    const std::uint64_t round = round_;
    ctx().observe("ask", {{"server", server},
                          {"nonce", static_cast<std::int64_t>(nonce)},
                          {"round", static_cast<std::int64_t>(round)}});
    rpc::CallOptions opts;
    opts.deadline = owner_.options_.timeout;
    ep_->proxy<TimeServer>(server, kTimeServerId)
        .call<TimeServer::kNow>(
            TimeRequest{nonce},
            [this, server, nonce, t0, round](Result<TimeReply> r) {
              on_reply(server, nonce, t0, round, std::move(r));
            },
            std::move(opts));
  }

  void on_reply(NodeId server, std::uint64_t nonce, Time t0, std::uint64_t round,
                Result<TimeReply> r) {
    // A round abandoned meanwhile, or the endpoint shutting down (a crash) failing its calls.
    if (round != round_ || !ep_->active()) return;
    const Time t1 = ctx().now();
    owner_.remember(t1);
    if (!r || r->nonce != nonce) {
      fail(server, r ? Code::kDataLoss : r.status().code());
      return;
    }
    const std::int64_t rtt = (t1 - t0).count();
    const Mutant& mutant = owner_.options_.mutant;
    if (rtt <= 0 && !mutant.breaks("C5")) {  // C5
      ctx().observe("discard", {{"server", server}, {"rtt_ns", rtt}});
    } else {
      // T_server + RTT/2 is the server's time now; the offset is kept relative to the clock's
      // committed time (reading + pending slew), which advances at the host rate, so it stays
      // valid until the round ends.
      const std::int64_t estimate = r->time_ns + rtt / 2;
      const std::int64_t offset = estimate - owner_.clock_.committed(t1).ns;
      ctx().observe("sample", {{"server", server},
                               {"nonce", static_cast<std::int64_t>(nonce)},
                               {"round", static_cast<std::int64_t>(round)},
                               {"t_server", r->time_ns},
                               {"rtt_ns", rtt},
                               {"estimate_ns", estimate},
                               {"offset_ns", offset}});
      // C1 (the mutant keeps the highest-RTT sample instead).
      const bool better = mutant.breaks("C1") ? rtt > best_.rtt_ns : rtt < best_.rtt_ns;
      if (!best_.set || better) best_ = {true, rtt, offset, nonce};
      ++taken_;
    }
    failed_in_row_ = 0;
    if (taken_ >= owner_.options_.samples) {
      finish();
    } else {
      ep_->after(owner_.options_.sample_gap, [this] { sample(); });
    }
  }

  // C2: apply the lowest-RTT sample.
  void finish() {
    const Time now = ctx().now();
    SoftwareClock& c = owner_.clock_;
    const Duration correction = c.pending_slew(now) + Duration(best_.offset_ns);
    const Correction kind =
        owner_.options_.mutant.breaks("C2") ? Correction::kNone : c.correct(now, correction);
    owner_.last_ = {servers_[current_], best_.rtt_ns, best_.offset_ns, kind};
    ++owner_.syncs_;
    ctx().observe("sync", {{"server", servers_[current_]},
                           {"round", static_cast<std::int64_t>(round_)},
                           {"nonce", static_cast<std::int64_t>(best_.nonce)},
                           {"rtt_ns", best_.rtt_ns},
                           {"offset_ns", best_.offset_ns},
                           {"kind", static_cast<std::int64_t>(kind)},
                           {"committed_ns", c.committed(now).ns}});
    ++round_;                                         // late replies of this round are ignored
    if (owner_.options_.mutant.breaks("C4")) return;  // the mutant never re-syncs
    ep_->after(owner_.options_.period, [this] { start_round(); });  // C4
  }

  // C3: next server; after a full cycle of failures, wait a period.
  void fail(NodeId server, Code code) {
    ++owner_.failures_;
    ctx().observe("server_failed", {{"server", server}, {"code", static_cast<std::int64_t>(code)}});
    if (!owner_.options_.mutant.breaks("C3")) current_ = (current_ + 1) % servers_.size();
    ++failed_in_row_;
    ++round_;
    if (failed_in_row_ >= servers_.size()) {
      failed_in_row_ = 0;
      ep_->after(owner_.options_.period, [this] { start_round(); });
    } else {
      ep_->after(owner_.options_.sample_gap, [this] { start_round(); });
    }
  }

  Cristian& owner_;
  std::vector<NodeId> servers_;  // non-empty, without self
  rpc::Endpoint* ep_ = nullptr;
  std::size_t current_ = 0;
  std::uint64_t round_ = 0;
  std::uint32_t taken_ = 0;
  std::size_t failed_in_row_ = 0;
  Best best_;
};

namespace {

class ServerApp final : public rpc::App {
 public:
  explicit ServerApp(const SoftwareClock& clock) : clock_(clock) {}
  void on_start(rpc::Endpoint& ep) override {
    SYNOD_ASSERT(
        ep.serve<TimeServer>(kTimeServerId, std::make_shared<TimeServant>(clock_)).is_ok());
  }

 private:
  const SoftwareClock& clock_;
};

}  // namespace

Cristian::Cristian(CristianOptions options)
    : options_(std::move(options)), clock_(options_.clock.discipline) {}

Cristian::~Cristian() = default;

void Cristian::on_start(Context& ctx) {
  const Time host = ctx.now();
  remember(host);
  const Duration offset = initial_offset_for(options_.clock, ctx.self(), ctx.peers());
  clock_.correct(host, offset, /*force_step=*/true);
  const auto peers = ctx.peers();
  server_ = std::find(options_.servers.begin(), options_.servers.end(), ctx.self()) !=
            options_.servers.end();
  std::vector<NodeId> servers;
  for (NodeId s : options_.servers) {
    if (std::find(peers.begin(), peers.end(), s) != peers.end()) servers.push_back(s);
  }
  std::vector<std::unique_ptr<rpc::App>> apps;
  if (server_) {
    apps.push_back(std::make_unique<ServerApp>(clock_));
  } else if (!servers.empty()) {
    auto client = std::make_unique<Client>(*this, std::move(servers));
    client_ = client.get();
    apps.push_back(std::move(client));
  }
  ctx.observe("role", {{"server", server_ ? 1 : 0}});
  endpoint_ = std::make_unique<rpc::Endpoint>(rpc::RpcLimits{}, std::move(apps));
  endpoint_->on_start(ctx);
}

void Cristian::on_message(Context& ctx, NodeId from, ByteView payload) {
  remember(ctx.now());
  if (endpoint_) endpoint_->on_message(ctx, from, payload);
}

void Cristian::on_timer(Context& ctx, std::uint64_t tag) {
  remember(ctx.now());
  if (endpoint_) endpoint_->on_timer(ctx, tag);
}

void Cristian::on_command(Context& ctx, CommandId id, std::string_view verb,
                          std::string_view args) {
  (void)args;
  if (verb == "status") {
    ctx.reply(id, status_json());
    return;
  }
  ctx.reply(id, R"({"error":"cristian takes: status"})");
}

NodeId Cristian::current_server() const { return client_ ? client_->server() : kNoNode; }

std::string Cristian::status_json() const {
  const Time host = last_host_;
  return nlohmann::json{
      {"role", server_ ? "server" : "client"},
      {"server", current_server()},
      {"offset_ns", (clock_.read(host) - host).count()},
      {"committed_offset_ns", (clock_.committed(host) - host).count()},
      {"syncs", syncs_},
      {"failures", failures_},
      {"last",
       {{"server", last_.server}, {"rtt_ns", last_.rtt_ns}, {"offset_ns", last_.offset_ns}}},
      {"clock", clock_.status(host)}}
      .dump();
}

}  // namespace synod::timesync
