#include "synod/timesync/timesync_catalog.hpp"

#include <memory>

#include "synod/timesync/berkeley.hpp"
#include "synod/timesync/cristian.hpp"

namespace synod::timesync {

ProtocolSpec cristian_spec() {
  return {"cristian",
          "Cristian's method over RPC: servers (default 1,2) serve their clock, clients sample K "
          "times a round and apply T_server + RTT/2 of the lowest-RTT sample",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_cristian_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<Cristian>(*o));
          }};
}

ProtocolSpec berkeley_spec() {
  return {"berkeley",
          "Berkeley algorithm: the master (lowest live id, or master=ID) polls every clock and "
          "sends each node its adjustment from a fault-tolerant average",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_berkeley_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<Berkeley>(*o));
          }};
}

CheckerList cristian_catalog_checkers(const ProtocolOptions& opts) {
  CristianCheckOptions c;
  c.slack = kTraceSlack;
  // Options the protocol refuses leave the defaults: such a run never starts.
  const auto o = parse_cristian_options(opts);
  c.live_window = cristian_liveness_window(o ? *o : CristianOptions{});
  return cristian_checkers(c);
}

CheckerList berkeley_catalog_checkers(const ProtocolOptions& opts) {
  const auto o = parse_berkeley_options(opts);
  BerkeleyCheckOptions c = berkeley_check_options(o ? *o : BerkeleyOptions{});
  c.slack = kTraceSlack;
  return berkeley_checkers(c);
}

CatalogEntry cristian_entry() {
  return {.spec = cristian_spec(),
          .checkers = [](const ProtocolOptions& o) { return cristian_catalog_checkers(o); },
          .protocols = {kCristianProtocol},
          .options = {{"servers", "1,2", "time servers, tried in this order"},
                      {"samples", "4", "K samples per round (1..64)"},
                      {"period", "1s", "rounds repeat every period"},
                      {"timeout", "500ms", "RPC deadline per call (at least 1ms)"},
                      {"sample_gap", "10ms", "pause between the samples of a round"}},
          .mutants = {
              {.tag = "C1", .rule = "keeps the highest-RTT sample", .caught_by = "cristian"},
              {.tag = "C2", .rule = "never corrects its clock", .caught_by = "cristian"},
              {.tag = "C3",
               .rule = "retries a failed server instead of the next one",
               .caught_by = "cristian"},
              {.tag = "C4", .rule = "syncs once, never again", .caught_by = "cristian"},
              {.tag = "C5",
               .rule = "keeps a sample whose RTT is not positive",
               .caught_by = "cristian"},
          }};
}

CatalogEntry berkeley_entry() {
  return {
      .spec = berkeley_spec(),
      .checkers = [](const ProtocolOptions& o) { return berkeley_catalog_checkers(o); },
      .protocols = {kBerkeleyProtocol},
      .options = {{"master", "0", "preferred master (0: the lowest live id)"},
                  {"period", "1s", "the master polls every period"},
                  {"rtt_limit", "50ms", "samples with a longer RTT are ignored (<= reply_timeout)"},
                  {"reply_timeout", "100ms", "the master averages this long after its poll"},
                  {"max_deviation", "20ms", "the fault-tolerant average's window"},
                  {"master_timeout", "3s", "a slave takes over after this without a POLL"}},
      .mutants = {
          {.tag = "B1", .rule = "the master never polls its peers", .caught_by = "berkeley"},
          {.tag = "B2",
           .rule = "answers POLL with its reading, ignoring its slew",
           .caught_by = "berkeley"},
          {.tag = "B3", .rule = "keeps samples slower than rtt_limit", .caught_by = "berkeley"},
          {.tag = "B4", .rule = "averages every clock, faulty ones too", .caught_by = "berkeley"},
          {.tag = "B5",
           .rule = "applies stale adjustments (duplicates, other masters')",
           .caught_by = "berkeley"},
          {.tag = "B6",
           .rule = "a master never steps down for a better one",
           .caught_by = "berkeley",
           // A partition long enough for node 2 to take over, then a heal: 1 and 2 both master.
           .faults = "@1s partition 1|2,3,4,5; @6s heal",
           .max_seeds = 20},
      }};
}

Catalog catalog() { return {cristian_entry(), berkeley_entry()}; }

}  // namespace synod::timesync
