// synod mutants [PROTOCOL...] [--json] [--markdown]
// The mutants sweep: for every rule a protocol's header lists, run the test-only mutant that
// breaks it (synod/node/mutant.hpp) under swarm faults until a checker reports it, and fail if
// any mutant survives its seeds or is caught by another checker than the catalog says. A checker
// that never fires proves nothing; this is how we know ours fire.
#include <cstdio>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "synod/node/mutant.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/sweep_report.hpp"

namespace synod::app {
namespace {

struct MutantsArgs {
  std::vector<std::string> protocols;
  bool json = false;
  bool markdown = false;
  bool list = false;
};

struct Outcome {
  const CatalogEntry* entry = nullptr;
  const MutantSpec* mutant = nullptr;
  bool caught = false;      // by the checker the catalog names
  std::uint64_t seeds = 0;  // seeds run
  std::string checker;      // who reported it ("" if nobody)
  std::string message;
  std::uint64_t seed = 0;  // the seed that caught it
  std::string faults;      // that seed's plan
  std::string stabilize;   // the stabilisation phase the run used
  std::string replay;      // the command that reruns the catching seed exactly
  double wall_seconds = 0;
};

Result<Outcome> run_mutant(const CatalogEntry& entry, const MutantSpec& m) {
  Outcome out;
  out.entry = &entry;
  out.mutant = &m;
  ProtocolOptions opts = m.options;
  opts[std::string(kMutantOption)] = m.tag;
  if (auto probe = entry.spec.make(opts); !probe) {
    return invalid_argument(entry.spec.name + " mutant " + m.tag + ": " + probe.status().message());
  }
  sim::SweepOptions so;
  so.nodes = m.nodes;
  so.seeds = m.max_seeds;
  so.stop_at_first_violation = true;
  if (m.faults != "swarm") {
    auto plan = sim::parse_fault_plan(m.faults, m.nodes);
    if (!plan) return plan.status();
    so.plan = *plan;
  }
  const ProtocolSpec& spec = entry.spec;
  sim::ProtocolFactory factory = [&spec, opts](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::move(spec.make(opts).value()));
    return v;
  };
  const auto r = sim::run_sweep(so, factory, [&entry, &opts] { return entry.checkers(opts); });
  out.seeds = r.seeds;
  out.wall_seconds = r.wall_seconds;
  out.stabilize = format_duration(Duration(r.stabilize_ns));
  if (!r.violations.empty()) {
    const auto& v = r.violations.front();
    out.checker = v.violation.checker;
    out.message = v.violation.message;
    out.seed = v.seed;
    out.faults = v.faults;
    out.caught = out.checker == m.caught_by;
    out.replay = sim::replay_command({entry.spec.name, opts}, so, r, v);
  }
  return out;
}

void print_text(const Outcome& o) {
  if (o.caught) {
    std::printf("  %-22s %-5s caught by %s at seed %llu (%llu seeds, %.1fs)\n",
                o.entry->spec.name.c_str(), o.mutant->tag.c_str(), o.checker.c_str(),
                static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(o.seeds),
                o.wall_seconds);
  } else if (!o.checker.empty()) {
    std::printf(
        "  %-22s %-5s CAUGHT BY THE WRONG CHECKER: %s, the catalog says %s: %s\n    replay: %s\n",
        o.entry->spec.name.c_str(), o.mutant->tag.c_str(), o.checker.c_str(),
        o.mutant->caught_by.c_str(), o.message.c_str(), o.replay.c_str());
  } else {
    std::printf("  %-22s %-5s SURVIVED %llu seeds (%s): no checker noticed\n",
                o.entry->spec.name.c_str(), o.mutant->tag.c_str(),
                static_cast<unsigned long long>(o.seeds), o.mutant->rule.c_str());
  }
}

nlohmann::json to_json(const Outcome& o) {
  nlohmann::json j = {{"protocol", o.entry->spec.name},
                      {"mutant", o.mutant->tag},
                      {"rule", o.mutant->rule},
                      {"expected", o.mutant->caught_by},
                      {"caught", o.caught},
                      {"checker", o.checker},
                      {"seeds", o.seeds},
                      {"wall_seconds", o.wall_seconds}};
  if (!o.checker.empty()) {
    j["seed"] = o.seed;
    j["message"] = o.message;
    j["replay"] = o.replay;
  }
  return j;
}

int run_mutants(const MutantsArgs& a) {
  std::vector<const CatalogEntry*> entries;
  for (const auto& name : a.protocols) {
    const CatalogEntry* e = find_protocol(name);
    if (e == nullptr) {
      std::fprintf(stderr, "synod mutants: unknown protocol '%s' (known: %s)\n", name.c_str(),
                   protocol_names().c_str());
      return kExitUsage;
    }
    entries.push_back(e);
  }
  if (entries.empty()) {
    for (const auto& e : catalog()) entries.push_back(&e);
  }
  if (a.list) {
    for (const CatalogEntry* e : entries) {
      for (const auto& m : e->mutants) {
        std::printf("%s\t%s\t%s\t%s\n", e->spec.name.c_str(), m.tag.c_str(), m.caught_by.c_str(),
                    m.rule.c_str());
      }
    }
    return kExitOk;
  }
  std::vector<Outcome> outcomes;
  for (const CatalogEntry* e : entries) {
    for (const auto& m : e->mutants) {
      auto o = run_mutant(*e, m);
      if (!o) {
        std::fprintf(stderr, "synod mutants: %s\n", o.status().message().c_str());
        return kExitUsage;
      }
      if (!a.json && !a.markdown) print_text(*o);
      outcomes.push_back(std::move(*o));
    }
  }
  std::size_t caught = 0;
  for (const auto& o : outcomes) caught += o.caught ? 1 : 0;
  // Every protocol id the swept entries check must have mutants in some entry: an alias entry
  // ("mutex" with algo=) is covered by the per-algorithm ones.
  std::set<ProtocolId> checked;
  std::set<ProtocolId> mutated;
  for (const CatalogEntry* e : entries) {
    for (ProtocolId id : e->protocols) {
      checked.insert(id);
      if (!e->mutants.empty()) mutated.insert(id);
    }
  }
  std::string bare;
  for (ProtocolId id : checked) {
    if (mutated.contains(id)) continue;
    bare += bare.empty() ? "" : ", ";
    bare += fmt::format("{} ({})", protocol_id_name(id), id);
  }
  if (a.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& o : outcomes) all.push_back(to_json(o));
    std::printf("%s\n",
                nlohmann::json{{"mutants", all}, {"caught", caught}, {"total", outcomes.size()}}
                    .dump()
                    .c_str());
  } else if (a.markdown) {
    std::printf("| protocol | rule | mutant | caught by | first seed |\n|---|---|---|---|---|\n");
    for (const auto& o : outcomes) {
      std::printf("| %s | %s | %s | %s | %s |\n", o.entry->spec.name.c_str(), o.mutant->tag.c_str(),
                  o.mutant->rule.c_str(), o.mutant->caught_by.c_str(),
                  o.caught ? std::to_string(o.seed).c_str() : "NOT CAUGHT");
    }
  } else {
    std::printf("mutants: %zu of %zu caught\n", caught, outcomes.size());
  }
  if (!bare.empty())
    std::fprintf(stderr, "synod mutants: protocols with no mutants: %s\n", bare.c_str());
  return caught == outcomes.size() && bare.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void add_mutants_command(CLI::App& app, Commands& out) {
  auto args = std::make_shared<MutantsArgs>();
  CLI::App* sub = app.add_subcommand(
      "mutants", "Break each protocol rule on purpose and check that a checker catches it");
  sub->add_option("protocol", args->protocols, "Protocols to sweep (default: every one)");
  sub->add_flag("--json", args->json, "Print one JSON object");
  sub->add_flag("--markdown", args->markdown, "Print the table of docs/checkers.md");
  sub->add_flag("--list", args->list,
                "List the mutants (protocol, tag, checker, rule; tab-separated) without running");
  out.push_back({sub, [args] { return run_mutants(*args); }});
}

}  // namespace synod::app
