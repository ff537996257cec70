#include "synod/runtime/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "synod/node/mutant.hpp"
#include "synod/node/registry.hpp"
#include "synod/runtime/envelope.hpp"

namespace synod::runtime {
namespace {

Status bad(const std::string& where, const std::string& what) {
  return invalid_argument(where + ": " + what);
}

Result<std::uint64_t> parse_uint(std::string_view text, std::uint64_t max,
                                 const std::string& what) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v > max) {
    return invalid_argument(what + " '" + std::string(text) + "' is not an integer in [0, " +
                            std::to_string(max) + "]");
  }
  return v;
}

Result<NodeId> parse_node_id(std::string_view text, const std::string& what) {
  auto v = parse_uint(text, UINT32_MAX, what);
  if (!v) return v.status();
  if (*v == kNoNode) return invalid_argument(what + " must be a positive integer");
  return static_cast<NodeId>(*v);
}

// A TOML scalar as the string a protocol option parser expects.
std::optional<std::string> scalar_text(const toml::node& n) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) {
    std::ostringstream os;
    os << f->get();
    return os.str();
  }
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  return std::nullopt;
}

Result<std::string> get_string(const toml::node& n, const std::string& key) {
  if (const auto* s = n.as_string()) return s->get();
  return invalid_argument("key '" + key + "' must be a string");
}

Status set_transport(NodeConfig& c, std::string_view name) {
  if (name == "tcp") {
    c.transport = TransportKind::kTcp;
  } else if (name == "udp") {
    c.transport = TransportKind::kUdp;
  } else {
    return invalid_argument("transport '" + std::string(name) + "' is not tcp or udp");
  }
  return Status::ok();
}

Status set_log_level(NodeConfig& c, std::string_view level) {
  static const std::set<std::string_view> kLevels = {"trace", "debug",    "info", "warn",
                                                     "error", "critical", "off"};
  if (kLevels.count(level) == 0) {
    return invalid_argument("log_level '" + std::string(level) +
                            "' is not one of trace, debug, info, warn, error, critical, off");
  }
  c.log_level = std::string(level);
  return Status::ok();
}

Status add_peer(NodeConfig& c, std::string_view id_text, std::string_view addr_text) {
  auto id = parse_node_id(id_text, "peer id");
  if (!id) return id.status();
  auto addr = parse_endpoint(addr_text);
  if (!addr)
    return invalid_argument("peer " + std::string(id_text) + ": " + addr.status().message());
  if (!c.peers.emplace(*id, *addr).second) {
    return invalid_argument("duplicate peer id " + std::to_string(*id));
  }
  return Status::ok();
}

Status set_protocols(NodeConfig& c, const std::vector<std::string>& names) {
  c.protocols.clear();
  std::set<std::string> seen;
  for (const auto& n : names) {
    if (n.empty()) return invalid_argument("empty protocol name");
    if (!seen.insert(n).second) return invalid_argument("protocol '" + n + "' listed twice");
    c.protocols.push_back(n);
  }
  return Status::ok();
}

Result<Duration> limit_duration(const toml::node& n, const std::string& key) {
  if (const auto* i = n.as_integer()) {
    if (i->get() <= 0) return invalid_argument("limits." + key + " must be positive");
    return Duration(std::chrono::milliseconds(i->get()));
  }
  if (const auto* s = n.as_string()) {
    auto d = parse_duration(s->get());
    if (!d) return invalid_argument("limits." + key + ": " + d.status().message());
    if (d->count() <= 0) return invalid_argument("limits." + key + " must be positive");
    return d;
  }
  return invalid_argument("limits." + key + " must be a duration such as \"250ms\"");
}

Result<std::size_t> limit_size(const toml::node& n, const std::string& key, std::size_t max) {
  const auto* i = n.as_integer();
  if (i == nullptr || i->get() <= 0 || static_cast<std::uint64_t>(i->get()) > max) {
    return invalid_argument("limits." + key + " must be an integer in [1, " + std::to_string(max) +
                            "]");
  }
  return static_cast<std::size_t>(i->get());
}

Status parse_limits(const toml::table& t, Limits& l) {
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    Result<std::size_t> size = std::size_t{0};
    Result<Duration> dur = Duration{0};
    if (key == "max_frame_bytes") {
      size = limit_size(v, key, std::size_t{1} << 30U);
      if (size) l.max_frame_bytes = *size;
    } else if (key == "send_queue_bytes") {
      size = limit_size(v, key, std::size_t{1} << 32U);
      if (size) l.send_queue_bytes = *size;
    } else if (key == "send_queue_messages") {
      size = limit_size(v, key, 1U << 20U);
      if (size) l.send_queue_messages = *size;
    } else if (key == "udp_max_datagram_bytes") {
      size = limit_size(v, key, 65507);
      if (size) l.udp_max_datagram_bytes = *size;
    } else if (key == "max_inbound_connections") {
      size = limit_size(v, key, 65536);
      if (size) l.max_inbound_connections = *size;
    } else if (key == "backoff_min" || key == "backoff_max" || key == "connect_timeout" ||
               key == "frame_timeout" || key == "idle_timeout" || key == "busy_poll") {
      dur = limit_duration(v, key);
      if (dur) {
        Duration& slot = key == "backoff_min"       ? l.backoff_min
                         : key == "backoff_max"     ? l.backoff_max
                         : key == "connect_timeout" ? l.connect_timeout
                         : key == "frame_timeout"   ? l.frame_timeout
                         : key == "busy_poll"       ? l.busy_poll
                                                    : l.idle_timeout;
        slot = *dur;
      }
    } else if (key == "frame_checksum") {
      const auto* b = v.as_boolean();
      if (b == nullptr) return invalid_argument("limits.frame_checksum must be true or false");
      l.frame_checksum = b->get();
    } else {
      return invalid_argument("unknown key 'limits." + key + "'");
    }
    if (!size) return size.status();
    if (!dur) return dur.status();
  }
  return Status::ok();
}

Status parse_table(const toml::table& root, NodeConfig& c) {
  for (auto&& [k, v] : root) {
    const std::string key(k.str());
    if (key == "id") {
      const auto* i = v.as_integer();
      if (i == nullptr || i->get() <= 0 || i->get() > UINT32_MAX) {
        return invalid_argument("id must be a positive integer");
      }
      c.id = static_cast<NodeId>(i->get());
    } else if (key == "listen") {
      auto s = get_string(v, key);
      if (!s) return s.status();
      auto e = parse_endpoint(*s);
      if (!e) return invalid_argument("listen: " + e.status().message());
      c.listen = *e;
    } else if (key == "data_dir" || key == "cluster") {
      auto s = get_string(v, key);
      if (!s) return s.status();
      (key == "data_dir" ? c.data_dir : c.cluster) = *s;
    } else if (key == "transport" || key == "log_level") {
      auto s = get_string(v, key);
      if (!s) return s.status();
      SYNOD_RETURN_IF_ERROR(key == "transport" ? set_transport(c, *s) : set_log_level(c, *s));
    } else if (key == "trace") {
      const auto* b = v.as_boolean();
      if (b == nullptr) return invalid_argument("trace must be true or false");
      c.trace = b->get();
    } else if (key == "seed") {
      const auto* i = v.as_integer();
      if (i == nullptr || i->get() < 0)
        return invalid_argument("seed must be a non-negative integer");
      c.seed = static_cast<std::uint64_t>(i->get());
    } else if (key == "protocols") {
      const auto* a = v.as_array();
      if (a == nullptr) return invalid_argument("protocols must be an array of names");
      std::vector<std::string> names;
      for (const auto& item : *a) {
        const auto* s = item.as_string();
        if (s == nullptr) return invalid_argument("protocols must be an array of names");
        names.push_back(s->get());
      }
      SYNOD_RETURN_IF_ERROR(set_protocols(c, names));
    } else if (key == "peers") {
      const auto* t = v.as_table();
      if (t == nullptr) return invalid_argument("peers must be a table of id = \"host:port\"");
      for (auto&& [pk, pv] : *t) {
        auto addr = get_string(pv, "peers." + std::string(pk.str()));
        if (!addr) return addr.status();
        SYNOD_RETURN_IF_ERROR(add_peer(c, pk.str(), *addr));
      }
    } else if (key == "protocol") {
      const auto* t = v.as_table();
      if (t == nullptr) return invalid_argument("protocol must hold one table per protocol");
      for (auto&& [name, opts] : *t) {
        const auto* ot = opts.as_table();
        if (ot == nullptr) {
          return invalid_argument("protocol." + std::string(name.str()) + " must be a table");
        }
        ProtocolOptions& po = c.protocol_options[std::string(name.str())];
        for (auto&& [ok, ov] : *ot) {
          auto text = scalar_text(ov);
          if (!text) {
            return invalid_argument("protocol." + std::string(name.str()) + "." +
                                    std::string(ok.str()) + " must be a scalar");
          }
          po[std::string(ok.str())] = *text;
        }
      }
    } else if (key == "limits") {
      const auto* t = v.as_table();
      if (t == nullptr) return invalid_argument("limits must be a table");
      SYNOD_RETURN_IF_ERROR(parse_limits(*t, c.limits));
    } else {
      return invalid_argument("unknown key '" + key + "'");
    }
  }
  return Status::ok();
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? s.npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

}  // namespace

std::string_view transport_name(TransportKind kind) {
  return kind == TransportKind::kTcp ? "tcp" : "udp";
}

Result<NodeConfig> parse_config_toml(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return bad(source + ":" + std::to_string(e.source().begin.line), std::string(e.description()));
  }
  NodeConfig c;
  if (Status s = parse_table(root, c); !s.is_ok()) return bad(source, s.message());
  return c;
}

Status apply_overrides(NodeConfig& c, const ConfigOverrides& o) {
  if (o.id) {
    auto id = parse_node_id(*o.id, "--id");
    if (!id) return id.status();
    c.id = *id;
  }
  if (o.listen) {
    auto e = parse_endpoint(*o.listen);
    if (!e) return invalid_argument("--listen: " + e.status().message());
    c.listen = *e;
  }
  if (!o.peers.empty()) {
    c.peers.clear();
    for (const auto& p : o.peers) {
      const auto eq = p.find('=');
      if (eq == std::string::npos)
        return invalid_argument("--peer '" + p + "' is not id=host:port");
      if (Status s =
              add_peer(c, std::string_view(p).substr(0, eq), std::string_view(p).substr(eq + 1));
          !s.is_ok()) {
        return invalid_argument("--peer: " + s.message());
      }
    }
  }
  if (o.protocols) SYNOD_RETURN_IF_ERROR(set_protocols(c, split(*o.protocols, ',')));
  if (o.data_dir) c.data_dir = *o.data_dir;
  if (o.transport) SYNOD_RETURN_IF_ERROR(set_transport(c, *o.transport));
  if (o.cluster) c.cluster = *o.cluster;
  if (o.log_level) SYNOD_RETURN_IF_ERROR(set_log_level(c, *o.log_level));
  for (const auto& s : o.sets) {
    const auto eq = s.find('=');
    const auto dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 ||
        dot + 1 == eq) {
      return invalid_argument("--set '" + s + "' is not protocol.key=value");
    }
    c.protocol_options[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = s.substr(eq + 1);
  }
  return Status::ok();
}

Status finish_config(NodeConfig& c) {
  if (c.id == kNoNode) return invalid_argument("missing node id (set id = N or --id N)");
  if (c.listen.port == 0)
    return invalid_argument("missing listen address (listen = \"host:port\")");
  if (c.peers.count(c.id) != 0) {
    return invalid_argument("peers include this node's own id " + std::to_string(c.id));
  }
  for (const auto& [id, addr] : c.peers) {
    if (addr == c.listen) {
      return invalid_argument("peer " + std::to_string(id) + " has this node's listen address " +
                              addr.to_string());
    }
  }
  if (c.protocols.empty()) return invalid_argument("no protocols (protocols = [\"heartbeat\"])");
  for (const auto& [name, opts] : c.protocol_options) {
    if (std::find(c.protocols.begin(), c.protocols.end(), name) == c.protocols.end()) {
      return invalid_argument("options given for protocol '" + name + "' which is not enabled");
    }
  }
  if (c.cluster.empty() || c.cluster.size() > kMaxClusterNameBytes) {
    return invalid_argument("cluster name must be 1.." + std::to_string(kMaxClusterNameBytes) +
                            " bytes");
  }
  if (c.limits.backoff_min > c.limits.backoff_max) {
    return invalid_argument("limits.backoff_min exceeds limits.backoff_max");
  }
  if (c.data_dir.empty()) c.data_dir = ".synod/node-" + std::to_string(c.id);
  return Status::ok();
}

Result<NodeConfig> load_config(const std::optional<std::string>& path,
                               const ConfigOverrides& overrides) {
  NodeConfig c;
  if (path) {
    std::ifstream in(*path);
    if (!in) return not_found("cannot read config file " + *path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse_config_toml(text.str(), *path);
    if (!parsed) return parsed.status();
    c = std::move(*parsed);
  }
  SYNOD_RETURN_IF_ERROR(apply_overrides(c, overrides));
  SYNOD_RETURN_IF_ERROR(finish_config(c));
  return c;
}

Result<std::vector<std::unique_ptr<Protocol>>> build_protocols(const NodeConfig& config,
                                                               const ProtocolLookup& lookup,
                                                               const std::string& known) {
  std::vector<std::unique_ptr<Protocol>> out;
  std::set<ProtocolId> ids;
  for (const auto& name : config.protocols) {
    const ProtocolSpec* spec = lookup(name);
    if (spec == nullptr) {
      return invalid_argument("unknown protocol '" + name + "' (known: " + known + ")");
    }
    static const ProtocolOptions kNone;
    auto it = config.protocol_options.find(name);
    if (it != config.protocol_options.end() && it->second.contains(std::string(kMutantOption))) {
      return invalid_argument("protocol " + name +
                              ": 'mutant' breaks a rule on purpose and exists only for "
                              "synod sim and the tests; a deployed node never runs one");
    }
    auto p = spec->make(it == config.protocol_options.end() ? kNone : it->second);
    if (!p) return invalid_argument("protocol " + name + ": " + p.status().message());
    if (!ids.insert((*p)->id()).second) {
      return invalid_argument("protocol " + name + " reuses protocol id " +
                              std::to_string((*p)->id()));
    }
    out.push_back(std::move(*p));
  }
  return out;
}

std::string to_toml(const NodeConfig& c) {
  toml::table root;
  root.insert("id", static_cast<std::int64_t>(c.id));
  root.insert("listen", c.listen.to_string());
  root.insert("data_dir", c.data_dir);
  root.insert("cluster", c.cluster);
  root.insert("transport", std::string(transport_name(c.transport)));
  root.insert("log_level", c.log_level);
  root.insert("trace", c.trace);
  if (c.seed) root.insert("seed", static_cast<std::int64_t>(*c.seed));
  toml::array protocols;
  for (const auto& p : c.protocols) protocols.push_back(p);
  root.insert("protocols", std::move(protocols));
  toml::table peers;
  for (const auto& [id, addr] : c.peers) peers.insert(std::to_string(id), addr.to_string());
  root.insert("peers", std::move(peers));
  toml::table protocol;
  for (const auto& [name, opts] : c.protocol_options) {
    toml::table t;
    for (const auto& [k, v] : opts) t.insert(k, v);
    protocol.insert(name, std::move(t));
  }
  if (!protocol.empty()) root.insert("protocol", std::move(protocol));
  std::ostringstream os;
  os << root << "\n";
  return os.str();
}

}  // namespace synod::runtime
