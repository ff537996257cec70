#include "synod/multicast/multicast_catalog.hpp"

#include <memory>

#include "synod/channel/best_effort_channel.hpp"
#include "synod/multicast/multicast_checker.hpp"

namespace synod::multicast {

Result<BMulticastOptions> parse_bmulticast_options(const ProtocolOptions& opts) {
  for (const auto& [key, value] : opts) {
    if (key != "interval" && key != "max_size" && key != "window" && key != kMutantOption) {
      return invalid_argument("bmulticast: unknown option '" + key + "'");
    }
  }
  BMulticastOptions o;
  auto interval = option_duration(opts, "interval", o.interval);
  if (!interval) return interval.status();
  if (*interval < std::chrono::milliseconds(1)) {
    return invalid_argument(
        "bmulticast: interval must be at least 1ms (the workload would "
        "multicast without pause)");
  }
  auto max_size = option_int(opts, "max_size", static_cast<std::int64_t>(o.max_size), 0, 60000);
  if (!max_size) return max_size.status();
  auto window = option_int(opts, "window", static_cast<std::int64_t>(o.window), 1, 1 << 20);
  if (!window) return window.status();
  auto mutant = parse_mutant(opts, {"BM1", "BM2", "BM3", "BM4"});
  if (!mutant) return mutant.status();
  o.interval = *interval;
  o.max_size = static_cast<std::size_t>(*max_size);
  o.window = static_cast<std::uint64_t>(*window);
  o.mutant = *mutant;
  return o;
}

ProtocolSpec bmulticast_spec() {
  return {"bmulticast",
          "B-multicast to all nodes with a random workload, over the best-effort channel",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_bmulticast_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<channel::BestEffortChannel>(
                std::make_unique<BMulticast>(*o), channel::BestEffortOptions{}));
          }};
}

Catalog catalog() {
  return {{
      .spec = bmulticast_spec(),
      .checkers =
          [](const ProtocolOptions& opts) {
            MulticastCheckOptions c;
            if (auto o = parse_bmulticast_options(opts)) c.interval = o->interval;
            return multicast_checkers(c);
          },
      .protocols = {kBMulticastProtocol},
      .options = {{"interval", "100ms", "mean gap between a node's multicasts"},
                  {"max_size", "512", "largest payload, bytes"},
                  {"window", "1024", "seqs remembered above the watermark per sender life"}},
      .mutants = {{.tag = "BM1",
                   .rule = "sends each multicast to every member but the last",
                   .caught_by = "bmulticast-count"},
                  {.tag = "BM2",
                   .rule = "never delivers its own multicast",
                   .caught_by = "bmulticast-validity"},
                  {.tag = "BM3",
                   .rule = "delivers every duplicate the network hands over",
                   .caught_by = "bmulticast-integrity"},
                  {.tag = "BM4",
                   .rule = "flips a bit of the payload it delivers",
                   .caught_by = "bmulticast-integrity"}},
  }};
}

}  // namespace synod::multicast
