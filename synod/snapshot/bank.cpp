#include "synod/snapshot/bank.hpp"

#include <nlohmann/json.hpp>

#include "synod/node/timer_tag.hpp"

#include <algorithm>

namespace synod::snapshot {
namespace {

constexpr std::string_view kAccountKey = "bank.account";
const wire::Limits kTransferLimits{
    .max_bytes = 64, .max_depth = 1, .max_repeated = 1, .max_string = 0};

Result<Transfer> decode_transfer(ByteView payload) {
  auto t = wire::decode<Transfer>(payload, kTransferLimits);
  if (!t) return t.status();
  if (t->amount <= 0) return invalid_argument("transfer of a non-positive amount");
  return *t;
}

Result<std::int64_t> decode_balance(ByteView state) {
  auto a = wire::decode<Account>(state, kTransferLimits);
  if (!a) return a.status();
  return a->balance;
}

}  // namespace

void Bank::on_start(Context& ctx) {
  nodes_ = ctx.peers().size() + 1;
  if (auto stored = ctx.storage().get(kAccountKey)) {
    if (auto a = wire::decode<Account>(*stored, kTransferLimits)) account_ = *a;
  } else {
    account_ = {options_.initial, 1};
    save(ctx);
    if (ctx.storage().sync().is_ok()) ctx.observe("bank.open", {{"balance", account_.balance}});
  }
  schedule(ctx);
}

bool Bank::save(Context& ctx) {
  return ctx.storage().put(kAccountKey, wire::encode(account_)).is_ok();
}

namespace {
enum class Timer : std::uint8_t { kTransfer = 1 };
}  // namespace

void Bank::schedule(Context& ctx) {
  const std::int64_t mean = options_.interval.count();
  ctx.set_timer(Duration(ctx.rng().between(0, 2 * mean)), TimerTag::of(Timer::kTransfer).raw());
}

void Bank::on_timer(Context& ctx, std::uint64_t tag) {
  if (TimerTag::from(tag).kind<Timer>() != Timer::kTransfer) return;
  schedule(ctx);
  const auto peers = ctx.peers();
  if (peers.empty() || account_.balance <= 0) return;
  const NodeId to = peers[ctx.rng().below(peers.size())];
  // A send the layer would refuse must not debit the account: the money would vanish.
  if (!ctx.writable(to)) return;
  const std::int64_t top = std::min(options_.max_amount, account_.balance);
  const Transfer t{account_.next_xid, ctx.rng().between(1, top)};
  const Account before = account_;
  account_.balance -= t.amount;
  ++account_.next_xid;
  // Stored, not synced: the layer syncs when it puts the transfer in its durable outbox, so the
  // debit and the transfer become durable together.
  if (!save(ctx)) {
    account_ = before;
    return;
  }
  ++sent_;
  ctx.observe("bank.send",
              {{"to", to}, {"xid", static_cast<std::int64_t>(t.xid)}, {"amount", t.amount}});
  ctx.send(to, wire::encode(t));
}

void Bank::on_message(Context& ctx, NodeId from, ByteView payload) {
  auto t = decode_transfer(payload);
  if (!t) {
    ++malformed_;
    return;
  }
  account_.balance += t->amount;
  // The layer syncs after delivering, together with its receive count.
  save(ctx);
  ++received_;
  ctx.observe("bank.recv",
              {{"from", from}, {"xid", static_cast<std::int64_t>(t->xid)}, {"amount", t->amount}});
}

Bytes Bank::record_state() const { return wire::encode(Account{account_.balance, 0}); }

Bank::Totals Bank::totals(const GlobalState& state) const {
  Totals t;
  for (const auto& l : state.locals) {
    auto b = decode_balance(l.state);
    t.decoded = t.decoded && b.is_ok();
    t.balances += b ? *b : 0;
  }
  for (const auto& m : state.in_channels) {
    auto tr = decode_transfer(m.payload);
    t.decoded = t.decoded && tr.is_ok();
    t.in_channels += tr ? tr->amount : 0;
  }
  return t;
}

void Bank::on_global_state(Context& ctx, const GlobalState& state) {
  const std::int64_t init = state.id.initiator;
  const auto sid = static_cast<std::int64_t>(state.id.seq);
  for (const auto& l : state.locals) {
    auto b = decode_balance(l.state);
    ctx.observe("bank.part", {{"init", init},
                              {"sid", sid},
                              {"node", l.node},
                              {"nonce", static_cast<std::int64_t>(l.nonce)},
                              {"balance", b ? *b : -1}});
  }
  for (const auto& m : state.in_channels) {
    auto t = decode_transfer(m.payload);
    ctx.observe("bank.chan", {{"init", init},
                              {"sid", sid},
                              {"from", m.id.from},
                              {"to", m.id.to},
                              {"xid", t ? static_cast<std::int64_t>(t->xid) : -1},
                              {"amount", t ? t->amount : -1}});
  }
  const Totals t = totals(state);
  ctx.observe("bank.snap", {{"init", init},
                            {"sid", sid},
                            {"complete", state.complete && t.decoded ? 1 : 0},
                            {"total", t.balances + t.in_channels},
                            {"in_channel", t.in_channels}});
}

std::string Bank::state_json(ByteView state) const {
  auto b = decode_balance(state);
  return b ? nlohmann::json{{"balance", *b}}.dump() : R"({"error":"undecodable state"})";
}

std::string Bank::message_json(ByteView payload) const {
  auto t = decode_transfer(payload);
  return t ? nlohmann::json{{"transfer", t->xid}, {"amount", t->amount}}.dump()
           : R"({"error":"undecodable transfer"})";
}

std::string Bank::summary_json(const GlobalState& state) const {
  const Totals t = totals(state);
  const std::int64_t expected = options_.initial * static_cast<std::int64_t>(nodes_);
  const std::int64_t total = t.balances + t.in_channels;
  return nlohmann::json{{"balances", t.balances},
                        {"in_channels", t.in_channels},
                        {"total", total},
                        {"expected_total", expected},
                        {"conserved", total == expected && t.decoded}}
      .dump();
}

std::string Bank::status_json() const {
  return nlohmann::json{{"balance", account_.balance},
                        {"transfers_sent", sent_},
                        {"transfers_received", received_},
                        {"malformed", malformed_}}
      .dump();
}

}  // namespace synod::snapshot
