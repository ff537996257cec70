#include "synod/ntp/ntp_options.hpp"

#include <string>

namespace synod::ntp {
namespace {

Result<std::vector<NodeId>> parse_ids(const std::string& key, const std::string& text) {
  std::vector<NodeId> ids;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t comma = std::min(text.find(',', i), text.size());
    const std::string item = text.substr(i, comma - i);
    if (item.empty() || item.size() > 9 ||
        item.find_first_not_of("0123456789") != std::string::npos || std::stoul(item) == 0) {
      return invalid_argument("ntp: " + key + ": bad node id '" + item + "'");
    }
    ids.push_back(static_cast<NodeId>(std::stoul(item)));
    i = comma + 1;
  }
  return ids;
}

Result<bool> parse_bool(const ProtocolOptions& opts, const std::string& key) {
  auto it = opts.find(key);
  if (it == opts.end()) return false;
  if (it->second == "1" || it->second == "true") return true;
  if (it->second == "0" || it->second == "false") return false;
  return invalid_argument("ntp: " + key + " must be 0/1 or true/false");
}

}  // namespace

Result<NtpOptions> parse_ntp_options(const ProtocolOptions& opts) {
  static const char* const kKeys[] = {"reference", "local_stratum",    "servers", "peers",
                                      "broadcast", "broadcast_client", "poll",    "min_distance",
                                      "makestep",  "makestep_limit",   "mutant"};
  for (const auto& [key, value] : opts) {
    bool known = false;
    for (const char* k : kKeys) known = known || key == k;
    if (!known) {
      return invalid_argument("ntp: unknown option '" + key +
                              "' (reference, local_stratum, servers, peers, broadcast, "
                              "broadcast_client, poll, min_distance, makestep, makestep_limit, "
                              "mutant)");
    }
  }
  NtpOptions o;
  if (auto it = opts.find("reference"); it != opts.end()) {
    o.references.clear();
    if (it->second != "0") {
      auto ids = parse_ids("reference", it->second);
      if (!ids) return ids.status();
      o.references = *ids;
    }
  }
  auto stratum = option_int(opts, "local_stratum", 1, 1, 15);
  if (!stratum) return stratum.status();
  o.local_stratum = static_cast<int>(*stratum);
  if (auto it = opts.find("servers"); it != opts.end()) {
    auto ids = parse_ids("servers", it->second);
    if (!ids) return ids.status();
    o.servers = *ids;
    o.servers_given = true;
  }
  if (auto it = opts.find("peers"); it != opts.end()) {
    auto ids = parse_ids("peers", it->second);
    if (!ids) return ids.status();
    o.peers = *ids;
  }
  auto broadcast = parse_bool(opts, "broadcast");
  if (!broadcast) return broadcast.status();
  o.broadcast = *broadcast;
  auto bclient = parse_bool(opts, "broadcast_client");
  if (!bclient) return bclient.status();
  o.broadcast_client = *bclient;
  auto poll = option_duration(opts, "poll", o.poll);
  if (!poll) return poll.status();
  if (poll->count() < 1'000'000) return invalid_argument("ntp: poll must be at least 1ms");
  o.poll = *poll;
  auto dist = option_duration(opts, "min_distance", o.min_distance);
  if (!dist) return dist.status();
  o.min_distance = *dist;
  auto step = option_duration(opts, "makestep", o.discipline.makestep_threshold);
  if (!step) return step.status();
  o.discipline.makestep_threshold = *step;
  auto limit = option_int(opts, "makestep_limit", o.discipline.makestep_limit, 0, 1000);
  if (!limit) return limit.status();
  o.discipline.makestep_limit = static_cast<int>(*limit);
  auto mutant = parse_mutant(opts, {"N1", "N2", "N4", "N5"});
  if (!mutant) return mutant.status();
  o.mutant = *mutant;
  if (o.references.empty() && o.peers.empty() && !o.servers_given) {
    return invalid_argument(
        "ntp: reference=0 with no servers or peers: no node has a clock to synchronize to");
  }
  return o;
}

}  // namespace synod::ntp
