// synod check PROTOCOL TRACE... : runs a protocol's checkers over traces of a real run (one JSONL
// file per node, merged by time), the same checkers the simulator runs on every seed.
#include <cstdio>
#include <memory>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "synod/trace/jsonl.hpp"

namespace synod::app {
namespace {

struct CheckArgs {
  std::string protocol;
  std::vector<std::string> traces;
};

int run_check(const CheckArgs& a) {
  const CatalogEntry* entry = find_protocol(a.protocol);
  if (entry == nullptr) {
    std::fprintf(stderr, "synod check: unknown protocol '%s' (known: %s)\n", a.protocol.c_str(),
                 protocol_names().c_str());
    return kExitUsage;
  }
  std::vector<std::vector<OwnedEvent>> all;
  for (const auto& path : a.traces) {
    auto t = read_trace(path);
    if (!t) {
      std::fprintf(stderr, "synod check: %s\n", t.status().message().c_str());
      return kExitUsage;
    }
    all.push_back(std::move(*t));
  }
  auto merged = merge_traces(std::move(all));
  auto checkers = entry->checkers(ProtocolOptions{});
  for (const auto& e : merged) {
    for (auto& c : checkers) {
      if (auto v = c->on_event(e.event)) {
        std::printf("VIOLATION [%s] at event %llu (node %u): %s\n", std::string(c->name()).c_str(),
                    static_cast<unsigned long long>(e.event.seq), e.event.node, v->c_str());
        return kExitFailed;
      }
    }
  }
  std::printf("%s: %zu events from %zu trace(s), no violations\n", a.protocol.c_str(),
              merged.size(), a.traces.size());
  return kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, Commands& out) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* sub =
      app.add_subcommand("check", "Run a protocol's checkers over traces of a real run");
  sub->add_option("protocol", args->protocol, "Protocol whose checkers to run")->required();
  sub->add_option("traces", args->traces, "JSONL trace files (one per node)")
      ->required()
      ->check(CLI::ExistingFile);
  out.push_back({sub, [args] { return run_check(*args); }});
}

}  // namespace synod::app
