// synod protocols [NAME] [--json]: the catalog. Without NAME, one line per protocol (name,
// protocol ids, number of mutants, summary); with NAME, its options (CatalogEntry::options) and
// its mutants (the rule each breaks and the checker that must catch it).
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "synod/node/protocol_ids.hpp"

namespace synod::app {
namespace {

struct ProtocolsArgs {
  std::string name;
  bool json = false;
};

std::string ids_text(const std::vector<ProtocolId>& ids) {
  std::string out;
  for (ProtocolId id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out.empty() ? "-" : out;
}

nlohmann::json entry_json(const CatalogEntry& e, bool details) {
  nlohmann::json j = {{"name", e.spec.name},
                      {"summary", e.spec.summary},
                      {"protocol_ids", e.protocols},
                      {"mutants", e.mutants.size()}};
  if (!details) return j;
  j["options"] = nlohmann::json::array();
  for (const auto& o : e.options) {
    j["options"].push_back({{"key", o.key}, {"default", o.fallback}, {"meaning", o.meaning}});
  }
  j["mutants"] = nlohmann::json::array();
  for (const auto& m : e.mutants) {
    j["mutants"].push_back({{"tag", m.tag},
                            {"rule", m.rule},
                            {"caught_by", m.caught_by},
                            {"options", m.options},
                            {"nodes", m.nodes},
                            {"faults", m.faults},
                            {"max_seeds", m.max_seeds}});
  }
  return j;
}

void print_list() {
  std::printf("%-24s %-12s %-8s %s\n", "PROTOCOL", "IDS", "MUTANTS", "SUMMARY");
  for (const auto& e : catalog()) {
    std::printf("%-24s %-12s %-8zu %s\n", e.spec.name.c_str(), ids_text(e.protocols).c_str(),
                e.mutants.size(), e.spec.summary.c_str());
  }
}

void print_entry(const CatalogEntry& e) {
  std::printf("%s: %s\nprotocol ids: %s\n", e.spec.name.c_str(), e.spec.summary.c_str(),
              ids_text(e.protocols).c_str());
  std::printf("options (--set key=value, or the protocol's TOML table):\n");
  if (e.options.empty()) std::printf("  (none documented)\n");
  for (const auto& o : e.options) {
    std::printf("  %-20s default %-10s %s\n", o.key.c_str(),
                o.fallback.empty() ? "-" : o.fallback.c_str(), o.meaning.c_str());
  }
  std::printf("mutants (synod sim %s --mutant TAG; all swept by synod mutants %s):\n",
              e.spec.name.c_str(), e.spec.name.c_str());
  if (e.mutants.empty()) std::printf("  (none)\n");
  for (const auto& m : e.mutants) {
    std::printf("  %-6s %s (caught by %s)\n", m.tag.c_str(), m.rule.c_str(), m.caught_by.c_str());
  }
}

int run_protocols(const ProtocolsArgs& a) {
  if (a.name.empty()) {
    if (a.json) {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& e : catalog()) all.push_back(entry_json(e, false));
      std::printf("%s\n", all.dump().c_str());
    } else {
      print_list();
    }
    return kExitOk;
  }
  const CatalogEntry* e = find_protocol(a.name);
  if (e == nullptr) {
    std::fprintf(stderr, "synod protocols: unknown protocol '%s' (known: %s)\n", a.name.c_str(),
                 protocol_names().c_str());
    return kExitUsage;
  }
  if (a.json) {
    std::printf("%s\n", entry_json(*e, true).dump().c_str());
  } else {
    print_entry(*e);
  }
  return kExitOk;
}

}  // namespace

void add_protocols_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<ProtocolsArgs>();
  CLI::App* sub = app.add_subcommand(
      "protocols", "List the protocols this binary knows, or one protocol's options and mutants");
  sub->add_option("name", a->name, "A protocol: show its options and mutants");
  sub->add_flag("--json", a->json, "One JSON value instead of text");
  out.push_back({sub, [a] { return run_protocols(*a); }});
}

}  // namespace synod::app
