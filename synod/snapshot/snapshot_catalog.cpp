#include "synod/snapshot/snapshot_catalog.hpp"

#include <set>
#include <string>

#include "synod/channel/reliable_channel.hpp"
#include "synod/snapshot/bank_checker.hpp"

namespace synod::snapshot {

Result<BankSnapshotConfig> parse_bank_snapshot_options(const ProtocolOptions& opts) {
  static const std::set<std::string> kKeys = {"initial", "interval", "max_amount", "every",
                                              "timeout"};
  for (const auto& [key, value] : opts) {
    if (kKeys.count(key) == 0)
      return invalid_argument("bank-snapshot: unknown option '" + key + "'");
  }
  BankSnapshotConfig c;
  auto initial = option_int(opts, "initial", c.bank.initial, 0, 1LL << 40);
  auto max_amount = option_int(opts, "max_amount", c.bank.max_amount, 1, 1LL << 40);
  auto interval = option_duration(opts, "interval", c.bank.interval);
  auto every = option_duration(opts, "every", c.snapshot.auto_every);
  auto timeout = option_duration(opts, "timeout", c.snapshot.timeout);
  for (const Status* s : {&initial.status(), &max_amount.status(), &interval.status(),
                          &every.status(), &timeout.status()}) {
    if (!s->is_ok()) return *s;
  }
  if (interval->count() <= 0 || timeout->count() <= 0 || every->count() < 0) {
    return invalid_argument("bank-snapshot: interval and timeout must be positive, every >= 0");
  }
  c.bank.initial = *initial;
  c.bank.max_amount = *max_amount;
  c.bank.interval = *interval;
  c.snapshot.auto_every = *every;
  c.snapshot.timeout = *timeout;
  return c;
}

std::unique_ptr<Protocol> make_bank_snapshot(const BankSnapshotConfig& config) {
  return std::make_unique<channel::ReliableChannel>(
      std::make_unique<SnapshotLayer>(std::make_unique<Bank>(config.bank), config.snapshot),
      channel::ReliableOptions{});
}

ProtocolSpec bank_snapshot_spec() {
  return {"bank-snapshot",
          "random bank transfers with Chandy-Lamport snapshots (any node, concurrent), over the "
          "reliable FIFO channel",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto c = parse_bank_snapshot_options(opts);
            if (!c) return c.status();
            return make_bank_snapshot(*c);
          }};
}

Catalog catalog() {
  return {{.spec = bank_snapshot_spec(),
           .checkers = fixed_checkers([] { return bank_checkers(); }),
           .protocols = {kBankProtocol}}};
}

}  // namespace synod::snapshot
