// synod sim PROTOCOL --nodes N --seeds K [--faults swarm|none|SPEC] [--json]
// Sweeps seeds of one protocol in the deterministic simulator with its checkers attached.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "apps/synod/options.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/sweep_report.hpp"

namespace synod::app {
namespace {

struct SimArgs {
  std::string protocol;
  std::int64_t nodes = 5;  // signed, so that "-1" is refused instead of wrapping around
  std::int64_t seeds = 100;
  std::int64_t seed = 1;
  std::string faults = "swarm";
  std::string duration = "10s";
  std::string stabilize = "5s";
  std::string trace;
  std::vector<std::string> set;
  std::string algo;
  std::string mutant;
  bool json = false;
  bool stop_first = false;
};

void progress_bar(std::uint64_t done, std::uint64_t total) {
  const int width = 40;
  const int filled = static_cast<int>(width * done / std::max<std::uint64_t>(total, 1));
  std::fprintf(stderr, "\r[%s%s] %llu/%llu seeds", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total));
  if (done == total) std::fprintf(stderr, "\n");
}

void print_text(const sim::SweepLabel& label, const sim::SweepOptions& so,
                const sim::SweepResult& r) {
  for (const auto& v : r.violations) {
    std::printf("VIOLATION seed %llu [%s] at event %llu (t=%s): %s\n  faults: %s\n  replay: %s\n",
                static_cast<unsigned long long>(v.seed), v.violation.checker.c_str(),
                static_cast<unsigned long long>(v.violation.event_seq),
                format_duration(Duration(v.violation.time_ns)).c_str(), v.violation.message.c_str(),
                v.faults.c_str(), sim::replay_command(label, so, r, v).c_str());
  }
  if (const std::string note = sim::stabilize_note(so, r); !note.empty()) {
    std::printf("%s\n", note.c_str());
  }
  std::printf(
      "%s: %llu seeds, %zu violations, %llu events in %.2fs wall (%.0f events/s), %.0fs simulated, "
      "trace hash %s%s\n",
      label.protocol.c_str(), static_cast<unsigned long long>(r.seeds), r.violations.size(),
      static_cast<unsigned long long>(r.events), r.wall_seconds, r.events_per_sec(), r.sim_seconds,
      sim::hash_hex(r.first_trace_hash).c_str(), r.replay_matches ? "" : " (REPLAY MISMATCH)");
}

// One seed with its JSONL trace. With `--trace -` stdout carries only the JSONL, so everything
// said to the user goes to stderr.
int run_one_traced(const SimArgs& a, const sim::SweepOptions& so, const ProtocolOptions& popts,
                   const sim::ProtocolFactory& factory, const CatalogEntry& entry) {
  auto writer = TraceWriter::open(a.trace);
  if (!writer) {
    std::fprintf(stderr, "synod sim: %s\n", writer.status().message().c_str());
    return kExitUsage;
  }
  std::FILE* say = a.trace == "-" ? stderr : stdout;
  sim::SimOptions o;
  o.seed = so.first_seed;
  o.nodes = so.nodes;
  o.duration = so.duration;
  o.stabilize = so.stabilize;
  o.plan = sim::plan_for_seed(so, so.first_seed);
  sim::Simulator s(o, factory, entry.checkers(popts), writer->get());
  const auto r = s.run();
  (*writer)->flush();
  std::fprintf(say, "seed %llu faults: %s\n", static_cast<unsigned long long>(o.seed),
               sim::to_string(o.plan).c_str());
  if (r.stabilize_ns > so.stabilize.count() && !r.stabilize_raised_by.empty()) {
    std::fprintf(
        say, "stabilize raised from %s to %s for %s\n", sim::exact_duration(so.stabilize).c_str(),
        sim::exact_duration(Duration(r.stabilize_ns)).c_str(), r.stabilize_raised_by.c_str());
  }
  std::fprintf(say, "trace: %s holds %llu events (%llu simulator steps, hash %s)\n",
               a.trace == "-" ? "stdout" : a.trace.c_str(),
               static_cast<unsigned long long>((*writer)->written()),
               static_cast<unsigned long long>(r.events), sim::hash_hex(r.trace_hash).c_str());
  if (r.violation) {
    std::fprintf(say, "VIOLATION [%s] at event %llu: %s\n", r.violation->checker.c_str(),
                 static_cast<unsigned long long>(r.violation->event_seq),
                 r.violation->message.c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int usage(const std::string& message) {
  std::fprintf(stderr, "synod sim: %s\n", message.c_str());
  return kExitUsage;
}

int run_sim(const SimArgs& a) {
  const CatalogEntry* entry = find_protocol(a.protocol);
  if (entry == nullptr) {
    return usage("unknown protocol '" + a.protocol + "' (known: " + protocol_names() + ")");
  }
  std::vector<std::string> set = a.set;
  if (!a.algo.empty()) set.push_back("algo=" + a.algo);        // --algo X is --set algo=X
  if (!a.mutant.empty()) set.push_back("mutant=" + a.mutant);  // --mutant X is --set mutant=X
  auto opts = parse_set_options(set);
  if (!opts) return usage(opts.status().message());
  auto duration = parse_duration(a.duration);
  if (!duration) return usage("--duration: " + duration.status().message());
  auto stabilize = parse_duration(a.stabilize);
  if (!stabilize) return usage("--stabilize: " + stabilize.status().message());
  if (a.seeds < 1) return usage("--seeds must be at least 1, got " + std::to_string(a.seeds));
  if (a.seed < 0) return usage("--seed must not be negative, got " + std::to_string(a.seed));
  if (a.nodes < 1 || a.nodes > sim::kMaxSimNodes) {
    return usage("--nodes must be in [1, " + std::to_string(sim::kMaxSimNodes) + "], got " +
                 std::to_string(a.nodes) +
                 " (the simulator's memory grows as nodes^2; see docs/faults.md, Limits)");
  }
  sim::SweepOptions so;
  so.first_seed = static_cast<std::uint64_t>(a.seed);
  so.seeds = static_cast<std::uint64_t>(a.seeds);
  so.nodes = static_cast<std::uint32_t>(a.nodes);
  so.duration = *duration;
  so.stabilize = *stabilize;
  so.stop_at_first_violation = a.stop_first;
  if (a.faults != "swarm") {
    auto plan = sim::parse_fault_plan(a.faults, so.nodes);
    if (!plan) return usage(plan.status().message());
    so.plan = *plan;
  }
  if (Status st = sim::validate_sweep(so); !st.is_ok()) return usage(st.message());
  // Validate protocol options once, up front, so a typo is a usage error and not N failures.
  if (auto probe = entry->spec.make(*opts); !probe) return usage(probe.status().message());
  const ProtocolOptions popts = *opts;
  const auto& spec = entry->spec;
  sim::ProtocolFactory factory = [&spec, popts](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::move(spec.make(popts).value()));
    return v;
  };
  if (!a.trace.empty()) return run_one_traced(a, so, popts, factory, *entry);
  if (so.seeds == 1 && !a.json) {
    std::printf("seed %llu faults: %s\n", static_cast<unsigned long long>(so.first_seed),
                sim::to_string(sim::plan_for_seed(so, so.first_seed)).c_str());
  }
  const bool bar = !a.json && so.seeds > 1 && isatty(STDERR_FILENO) != 0;
  const auto r = sim::run_sweep(
      so, factory, [entry, &popts] { return entry->checkers(popts); },
      bar ? sim::Progress(progress_bar) : sim::Progress());
  const sim::SweepLabel label{a.protocol, popts};
  if (a.json) {
    std::printf("%s\n", sim::sweep_json(label, so, r).dump().c_str());
  } else {
    print_text(label, so, r);
  }
  return r.violations.empty() && r.replay_matches ? kExitOk : kExitFailed;
}

}  // namespace

void add_sim_command(CLI::App& app, Commands& out) {
  auto args = std::make_shared<SimArgs>();
  CLI::App* sub =
      app.add_subcommand("sim", "Sweep seeds of a protocol in the deterministic simulator");
  sub->add_option("protocol", args->protocol, "Protocol to simulate")->required();
  sub->add_option("--nodes,-n", args->nodes, "Cluster size")->capture_default_str();
  sub->add_option("--seeds,-k", args->seeds, "Number of seeds to run")->capture_default_str();
  sub->add_option("--seed,-s", args->seed, "First seed (with --seeds 1: replay that seed)")
      ->capture_default_str();
  sub->add_option("--faults,-f", args->faults, "swarm | none | a fault spec (docs/faults.md)")
      ->capture_default_str();
  sub->add_option("--duration", args->duration, "Fault phase length")->capture_default_str();
  sub->add_option("--stabilize", args->stabilize, "Healthy phase before liveness checks")
      ->capture_default_str();
  sub->add_option("--set", args->set, "Protocol option key=value (repeatable)");
  sub->add_option("--algo", args->algo,
                  "Algorithm of a multi-algorithm protocol (mutex: central, ricart-agrawala, "
                  "suzuki-kasami, token-ring; election: bully, ring); same as --set algo=...");
  sub->add_option("--mutant", args->mutant,
                  "Break rule TAG of the protocol on purpose (test-only; see synod mutants)");
  sub->add_option("--trace", args->trace,
                  "Write the JSONL trace of seed --seed to FILE ('-' = only JSONL on stdout, the "
                  "summary on stderr)");
  sub->add_flag("--json", args->json, "Print one JSON object");
  sub->add_flag("--stop-at-first", args->stop_first, "Stop the sweep at the first violation");
  out.push_back({sub, [args] { return run_sim(*args); }});
}

}  // namespace synod::app
