// "bank-snapshot" for `synod sim` / `synod node`: the bank workload inside the snapshot layer
// inside the reliable FIFO channel. Options (all optional): initial, interval, max_amount (bank);
// every (mean gap between snapshots a node starts by itself, 0 = only on command; default 2s),
// timeout (snapshot layer).
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/node/registry.hpp"
#include "synod/snapshot/bank.hpp"
#include "synod/snapshot/bank_checker.hpp"
#include "synod/snapshot/snapshot_layer.hpp"

namespace synod::snapshot {

struct BankSnapshotConfig {
  BankOptions bank;
  SnapshotOptions snapshot{.auto_every = std::chrono::seconds(2)};
};

Result<BankSnapshotConfig> parse_bank_snapshot_options(const ProtocolOptions& opts);
std::unique_ptr<Protocol> make_bank_snapshot(const BankSnapshotConfig& config);
ProtocolSpec bank_snapshot_spec();
// The bank checker's windows for these options (snapshot timeout, auto_every, the channel's).
BankCheckerOptions bank_checker_options(const BankSnapshotConfig& config);

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::snapshot
