// "bank-snapshot": a bank workload to snapshot. Every node holds an account (opened with
// `initial`, kept in durable storage) and, every `interval` on average (gaps uniform in
// [0, 2 x interval]), transfers a random amount in [1, min(max_amount, balance)] to a random peer.
// Money only moves inside transfers, and the snapshot layer delivers each exactly once, so the
// total is constant: a consistent global state's balances plus the transfers recorded in its
// channels must add up to the initial total (the bank checker's S4).
//
// Observations (for bank_checker): "bank.open" {balance} when an account is created;
// "bank.send" {to, xid, amount} and "bank.recv" {from, xid, amount} for every transfer; and at a
// snapshot's initiator, "bank.part" per node, "bank.chan" per recorded transfer, then
// "bank.snap" {init, sid, complete, total, in_channel}.
#pragma once

#include <cstdint>
#include <string>

#include "synod/node/protocol_ids.hpp"
#include "synod/snapshot/snapshottable.hpp"
#include "synod/wire/codec.hpp"

namespace synod::snapshot {

struct BankOptions {
  std::int64_t initial = 1000;
  Duration interval = std::chrono::milliseconds(100);
  std::int64_t max_amount = 100;
};

// Durable: the balance and the next transfer id (ids are unique per sender across crashes).
struct Account {
  std::int64_t balance = 0;
  std::uint64_t next_xid = 1;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&Account::balance),
                                                  wire::field<2>(&Account::next_xid));
};

struct Transfer {
  std::uint64_t xid = 0;
  std::int64_t amount = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&Transfer::xid),
                                                  wire::field<2, wire::zigzag>(&Transfer::amount));
};

class Bank final : public Snapshottable {
 public:
  static constexpr ProtocolId kId = kBankProtocol;

  explicit Bank(BankOptions options) : options_(options) {}

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "bank-snapshot"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  std::string status_json() const override;

  Bytes record_state() const override;
  void on_global_state(Context& ctx, const GlobalState& state) override;
  std::string state_json(ByteView state) const override;
  std::string message_json(ByteView payload) const override;
  std::string summary_json(const GlobalState& state) const override;

  std::int64_t balance() const { return account_.balance; }

 private:
  struct Totals {
    std::int64_t balances = 0;
    std::int64_t in_channels = 0;
    bool decoded = true;  // every state and message decoded
  };
  Totals totals(const GlobalState& state) const;
  void schedule(Context& ctx);
  bool save(Context& ctx);

  BankOptions options_;
  Account account_;
  std::size_t nodes_ = 1;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t malformed_ = 0;
};

}  // namespace synod::snapshot
