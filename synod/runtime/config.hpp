// Configuration of one node process: a TOML file, overridden by command-line flags, validated
// before anything starts. Every error is one line naming the key (and the file), so
// `synod node` can print it and exit 2. Keys and defaults are documented in docs/runtime.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/registry.hpp"
#include "synod/runtime/address.hpp"

namespace synod::runtime {

enum class TransportKind { kTcp, kUdp };

// Every bound the runtime enforces, in one place ([limits] in the TOML file).
struct Limits {
  std::size_t max_frame_bytes = 16U << 20U;              // one message on a stream
  std::size_t send_queue_bytes = 8U << 20U;              // per peer, queued and not yet written
  std::size_t send_queue_messages = 4096;                // per peer
  std::size_t udp_max_datagram_bytes = 65000;            // one UDP datagram, framing included
  std::size_t max_inbound_connections = 256;             // accepted and not yet closed
  Duration backoff_min = std::chrono::milliseconds(50);  // first reconnect delay
  Duration backoff_max = std::chrono::seconds(2);        // reconnect delay cap
  Duration connect_timeout = std::chrono::seconds(2);    // one dial attempt
  Duration frame_timeout = std::chrono::seconds(5);      // a started frame (or hello) must finish
  Duration idle_timeout = std::chrono::seconds(60);      // inbound connection with no bytes
  bool frame_checksum = true;
  // After the last event, keep polling for new ones this long before sleeping in the kernel (0:
  // never spin). Trades a core for latency: an idle VM core takes tens of microseconds to wake.
  Duration busy_poll = Duration::zero();
};

struct NodeConfig {
  NodeId id = kNoNode;
  Endpoint listen;
  std::map<NodeId, Endpoint> peers;
  std::vector<std::string> protocols;
  std::map<std::string, ProtocolOptions> protocol_options;  // by protocol name
  std::string data_dir;                                     // default ".synod/node-<id>"
  TransportKind transport = TransportKind::kTcp;
  std::string cluster = "synod";
  std::string log_level = "info";
  bool trace = true;
  std::optional<std::uint64_t> seed;  // protocol RNG seed; default: drawn at startup
  Limits limits;
};

// Command-line flags; unset ones leave the file's value. Values stay strings so that every bad
// value is reported by the same validation as the file's.
struct ConfigOverrides {
  std::optional<std::string> id;
  std::optional<std::string> listen;
  std::vector<std::string> peers;        // "id=host:port"; when given, replace the file's [peers]
  std::optional<std::string> protocols;  // "heartbeat,other"
  std::optional<std::string> data_dir;
  std::optional<std::string> transport;
  std::optional<std::string> cluster;
  std::optional<std::string> log_level;
  std::vector<std::string> sets;  // "proto.key=value"
};

// Parses a TOML document (`source` names it in errors). Unknown keys are errors.
Result<NodeConfig> parse_config_toml(std::string_view text, const std::string& source);
Status apply_overrides(NodeConfig& config, const ConfigOverrides& overrides);
// Checks what the parts cannot check alone (id set, self not a peer, ...) and fills defaults.
Status finish_config(NodeConfig& config);
// File (optional) + overrides + finish.
Result<NodeConfig> load_config(const std::optional<std::string>& path,
                               const ConfigOverrides& overrides);

using ProtocolLookup = std::function<const ProtocolSpec*(std::string_view name)>;
// Builds every configured protocol; an unknown name or a rejected option is an error naming it.
// `known` lists valid names for the error message.
Result<std::vector<std::unique_ptr<Protocol>>> build_protocols(const NodeConfig& config,
                                                               const ProtocolLookup& lookup,
                                                               const std::string& known);

// Renders a config back to TOML that parse_config_toml accepts (used by `synod local up`).
std::string to_toml(const NodeConfig& config);

std::string_view transport_name(TransportKind kind);

}  // namespace synod::runtime
