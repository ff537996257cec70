#include "synod/snapshot/snapshot_catalog.hpp"

#include <set>
#include <string>

#include "synod/channel/reliable_channel.hpp"
#include "synod/node/mutant.hpp"
#include "synod/snapshot/bank_checker.hpp"

namespace synod::snapshot {

Result<BankSnapshotConfig> parse_bank_snapshot_options(const ProtocolOptions& opts) {
  static const std::set<std::string> kKeys = {"initial", "interval", "max_amount",
                                              "every",   "timeout",  std::string(kMutantOption)};
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
  // A timeout shorter than a reliable-channel retransmission aborts snapshots that would complete.
  const channel::ReliableOptions channel_defaults;
  if (*timeout < 2 * channel_defaults.rto_max) {
    return invalid_argument("bank-snapshot: timeout must be at least 2 x the channel's rto_max (" +
                            format_duration(2 * channel_defaults.rto_max) +
                            "), or healthy snapshots abort");
  }
  auto mutant = parse_mutant(opts, {"D1", "D2", "D3", "CL1", "CL2", "CL3", "CL4", "CL5", "CL6"});
  if (!mutant) return mutant.status();
  c.snapshot.mutant = *mutant;
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

BankCheckerOptions bank_checker_options(const BankSnapshotConfig& c) {
  BankCheckerOptions o;
  o.timeout = c.snapshot.timeout;
  o.auto_every = c.snapshot.auto_every;
  o.settle = 2 * channel::ReliableOptions{}.rto_max + std::chrono::milliseconds(500);
  return o;
}

Catalog catalog() {
  return {{.spec = bank_snapshot_spec(),
           .checkers =
               [](const ProtocolOptions& opts) {
                 auto c = parse_bank_snapshot_options(opts);
                 return bank_checkers(bank_checker_options(c ? *c : BankSnapshotConfig{}));
               },
           .protocols = {kBankProtocol},
           .options = {{"initial", "1000", "each account's opening balance"},
                       {"interval", "100ms", "mean gap between a node's transfers"},
                       {"max_amount", "100", "largest transfer"},
                       {"every", "2s", "mean gap between a node's own snapshots (0 = on command)"},
                       {"timeout", "5s", "an initiator missing a report aborts after this"}},
           .mutants = {
               {"D1", "skips a number every 8 messages", "bank-snapshot"},
               {"D2", "hands up duplicates and out-of-order numbers", "bank-snapshot"},
               {"D3", "never resends the outbox after a restart", "bank-snapshot"},
               {"CL1", "does not record messages arriving on recording channels", "bank-snapshot"},
               {"CL2", "sends no marker on its last outgoing channel", "snapshot-markers"},
               {"CL3", "keeps recording the channel the first marker came on", "bank-snapshot"},
               {"CL4", "a later marker does not close its channel", "bank-snapshot"},
               {"CL5", "never reports, even with every channel closed", "bank-snapshot"},
               {"CL6", "never aborts a snapshot that misses a report", "bank-snapshot"},
           }}};
}

}  // namespace synod::snapshot
