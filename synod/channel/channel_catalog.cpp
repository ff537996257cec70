#include "synod/channel/channel_catalog.hpp"

#include <set>
#include <string>

#include "synod/channel/channel_checker.hpp"
#include "synod/node/mutant.hpp"

namespace synod::channel {
namespace {

const std::set<std::string> kStreamKeys = {"interval", "max_size", std::string(kMutantOption)};
const std::set<std::string> kReliableKeys = {"window",      "max_buffered_bytes",
                                             "max_payload", "max_sack_ranges",
                                             "rto_initial", "rto_min",
                                             "rto_max",     "give_up"};
const std::set<std::string> kBestEffortKeys = {"max_payload"};

Status only_keys(const ProtocolOptions& opts, const std::string& who,
                 const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const auto& [key, value] : opts) {
    if (a.count(key) == 0 && b.count(key) == 0)
      return invalid_argument(who + ": unknown option '" + key + "'");
  }
  return Status::ok();
}

Result<std::size_t> size_option(const ProtocolOptions& opts, const std::string& key,
                                std::size_t fallback, std::int64_t min, std::int64_t max) {
  auto v = option_int(opts, key, static_cast<std::int64_t>(fallback), min, max);
  if (!v) return v.status();
  return static_cast<std::size_t>(*v);
}

}  // namespace

Result<ReliableOptions> parse_reliable_options(const ProtocolOptions& opts) {
  ReliableOptions o;
  auto window = size_option(opts, "window", o.window, 1, 1 << 16);
  auto bytes = size_option(opts, "max_buffered_bytes", o.max_buffered_bytes, 1, 1LL << 30);
  auto payload = size_option(opts, "max_payload", o.max_payload, 0, 16 << 20);
  auto sack = size_option(opts, "max_sack_ranges", o.max_sack_ranges, 0, 1024);
  auto rto_initial = option_duration(opts, "rto_initial", o.rto_initial);
  auto rto_min = option_duration(opts, "rto_min", o.rto_min);
  auto rto_max = option_duration(opts, "rto_max", o.rto_max);
  auto give_up = option_duration(opts, "give_up", o.give_up);
  for (const Status* s :
       {&window.status(), &bytes.status(), &payload.status(), &sack.status(), &rto_initial.status(),
        &rto_min.status(), &rto_max.status(), &give_up.status()}) {
    if (!s->is_ok()) return *s;
  }
  o.window = *window;
  o.max_buffered_bytes = *bytes;
  o.max_payload = *payload;
  o.max_sack_ranges = *sack;
  o.rto_initial = *rto_initial;
  o.rto_min = *rto_min;
  o.rto_max = *rto_max;
  o.give_up = *give_up;
  auto mutant = parse_mutant(opts, {"RC1", "RC2", "RC3", "RC4", "RC5", "RC6"});
  if (!mutant) return mutant.status();
  o.mutant = *mutant;
  if (o.give_up.count() <= 0) return invalid_argument("reliable channel: give_up must be positive");
  if (o.rto_min.count() <= 0 || o.rto_min > o.rto_max || o.rto_initial < o.rto_min ||
      o.rto_initial > o.rto_max) {
    return invalid_argument("reliable channel: need 0 < rto_min <= rto_initial <= rto_max");
  }
  return o;
}

Result<BestEffortOptions> parse_best_effort_options(const ProtocolOptions& opts) {
  BestEffortOptions o;
  auto payload = size_option(opts, "max_payload", o.max_payload, 0, 16 << 20);
  if (!payload) return payload.status();
  o.max_payload = *payload;
  auto mutant = parse_mutant(opts, {"BE1", "BE2", "BE3"});
  if (!mutant) return mutant.status();
  o.mutant = *mutant;
  return o;
}

namespace {

// The workload's largest message must fit the channel, or every large send is refused and the
// stream cannot work.
Status fits(const StreamWorkloadOptions& w, std::size_t max_payload, const std::string& who) {
  if (w.max_size + kStreamHeaderBytes > max_payload) {
    return invalid_argument(who + ": max_size " + std::to_string(w.max_size) + " + the " +
                            std::to_string(kStreamHeaderBytes) +
                            "-byte stream header exceeds max_payload " +
                            std::to_string(max_payload));
  }
  return Status::ok();
}

}  // namespace

Result<StreamWorkloadOptions> parse_stream_options(const ProtocolOptions& opts) {
  StreamWorkloadOptions o;
  auto interval = option_duration(opts, "interval", o.interval);
  if (!interval) return interval.status();
  auto size = size_option(opts, "max_size", o.max_size, 0, 16 << 20);
  if (!size) return size.status();
  if (interval->count() <= 0) return invalid_argument("stream: interval must be positive");
  o.interval = *interval;
  o.max_size = *size;
  return o;
}

ProtocolSpec reliable_stream_spec() {
  return {"reliable-stream", "random message stream over the reliable FIFO channel",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            SYNOD_RETURN_IF_ERROR(only_keys(opts, "reliable-stream", kStreamKeys, kReliableKeys));
            auto w = parse_stream_options(opts);
            if (!w) return w.status();
            auto c = parse_reliable_options(opts);
            if (!c) return c.status();
            SYNOD_RETURN_IF_ERROR(fits(*w, c->max_payload, "reliable-stream"));
            return std::unique_ptr<Protocol>(
                std::make_unique<ReliableChannel>(std::make_unique<StreamWorkload>(*w), *c));
          }};
}

ProtocolSpec best_effort_stream_spec() {
  return {
      "besteffort-stream", "random message stream over the best-effort checksummed channel",
      [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
        SYNOD_RETURN_IF_ERROR(only_keys(opts, "besteffort-stream", kStreamKeys, kBestEffortKeys));
        auto w = parse_stream_options(opts);
        if (!w) return w.status();
        auto c = parse_best_effort_options(opts);
        if (!c) return c.status();
        SYNOD_RETURN_IF_ERROR(fits(*w, c->max_payload, "besteffort-stream"));
        return std::unique_ptr<Protocol>(
            std::make_unique<BestEffortChannel>(std::make_unique<StreamWorkload>(*w), *c));
      }};
}

Catalog catalog() {
  CatalogEntry reliable{
      .spec = reliable_stream_spec(),
      .checkers =
          [](const ProtocolOptions& opts) {
            // The windows follow the channel's timeouts (unparseable options: the defaults; the
            // spec refuses them anyway).
            auto o = parse_reliable_options(opts);
            return reliable_channel_checkers(
                ReliableCheckerOptions::from(o ? *o : ReliableOptions{}));
          },
      .protocols = {kStreamProtocol},
      .options = {{"interval", "50ms", "mean gap between a node's sends"},
                  {"max_size", "2048", "largest random body (a 24-byte header comes on top)"},
                  {"window", "64", "messages in flight per peer"},
                  {"rto_initial", "200ms", "first retransmission timeout"},
                  {"rto_min", "20ms", "lowest retransmission timeout"},
                  {"rto_max", "1s", "highest (backed-off) retransmission timeout"},
                  {"give_up", "3s", "silence before kUnreachable is reported"}},
      .mutants = {
          {.tag = "RC1",
           .rule = "delivers a frame as soon as it arrives, without waiting for the hole below",
           .caught_by = "reliable-channel"},
          {.tag = "RC2",
           .rule = "delivers duplicate frames again",
           .caught_by = "reliable-channel"},
          {.tag = "RC3",
           .rule = "acknowledges one seq beyond what it delivered",
           .caught_by = "reliable-channel"},
          {.tag = "RC4", .rule = "never retransmits on a timeout", .caught_by = "reliable-channel"},
          {.tag = "RC5",
           .rule = "accepts data addressed to another session (an earlier life)",
           .caught_by = "reliable-channel"},
          {.tag = "RC6",
           .rule = "after a peer restart, numbers the new stream on from the old one",
           .caught_by = "reliable-channel"},
      }};
  CatalogEntry best_effort{
      .spec = best_effort_stream_spec(),
      .checkers = fixed_checkers([] { return best_effort_channel_checkers(); }),
      .protocols = {kStreamProtocol},
      .options = {{"interval", "50ms", "mean gap between a node's sends"},
                  {"max_size", "2048", "largest random body (a 24-byte header comes on top)"},
                  {"max_payload", "65536", "larger sends are refused"}},
      .mutants = {
          {.tag = "BE1",
           .rule = "hands up frames that fail the checksum",
           .caught_by = "best-effort-channel",
           .faults = "corrupt=0.05"},  // swarm plans rarely corrupt
          {.tag = "BE2", .rule = "sends every datagram twice", .caught_by = "best-effort-channel"},
          {.tag = "BE3",
           .rule = "silently drops every fourth intact datagram",
           .caught_by = "best-effort-channel"},
      }};
  return {std::move(reliable), std::move(best_effort)};
}

}  // namespace synod::channel
