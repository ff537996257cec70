#include "synod/trace/describe.hpp"

#include <fmt/format.h>

namespace synod::trace {
namespace {

std::string node_name(NodeId n) { return "n" + std::to_string(n); }

std::string with_protocol(std::string_view verb, const Event& e, const ProtocolNames& names) {
  std::string s(verb);
  if (e.protocol != 0) s += " " + protocol_label(names, e.protocol);
  return s;
}

void append_fields(std::string& s, const Event& e) {
  for (const auto& f : e.fields) s += fmt::format(" {}={}", f.key, f.value);
}

}  // namespace

std::string protocol_label(const ProtocolNames& names, ProtocolId id) {
  if (auto it = names.find(id); it != names.end()) return it->second;
  return "proto " + std::to_string(id);
}

std::string describe_event(const Event& e, const ProtocolNames& names) {
  std::string s;
  switch (e.kind) {
    case EventKind::kSend:
      s = with_protocol("send", e, names) + fmt::format(" {}B to {}", e.bytes, node_name(e.peer));
      if (e.msg_id != 0) s += fmt::format(" [m={}]", e.msg_id);
      break;
    case EventKind::kDeliver:
      s = with_protocol("deliver", e, names) +
          fmt::format(" {}B from {}", e.bytes, node_name(e.peer));
      if (e.msg_id != 0) s += fmt::format(" [m={}]", e.msg_id);
      if (e.lamport != 0) s += fmt::format(" (lamport {})", e.lamport);
      break;
    case EventKind::kDrop:
      s = with_protocol("drop", e, names) +
          fmt::format(" {}B {}->{}", e.bytes, node_name(e.node), node_name(e.peer));
      if (!e.what.empty()) s += fmt::format(" ({})", e.what);
      if (e.msg_id != 0) s += fmt::format(" [m={}]", e.msg_id);
      break;
    case EventKind::kTimer: s = with_protocol("timer", e, names); break;
    case EventKind::kObserve:
      s = "observe " + std::string(e.what);
      append_fields(s, e);
      break;
    case EventKind::kFault:
      s = "fault " + std::string(e.what);
      if (e.node != kNoNode) s += " on " + node_name(e.node);
      break;
    case EventKind::kHeal: s = e.what.empty() ? std::string("heal") : std::string(e.what); break;
    default:  // start, recover, crash, pause, resume
      s = std::string(event_kind_name(e.kind));
      break;
  }
  return s;
}

std::string observation_label(const Event& e) {
  std::string s(e.what);
  for (const auto& f : e.fields) {
    if (f.key == "peer" || f.key == "node" || f.key == "leader")
      return s + " " + std::to_string(f.value);
  }
  // Packed values (an election epoch is term << 32 | node) make unreadable labels: hover shows
  // them.
  constexpr std::int64_t kReadable = 1'000'000;
  if (!e.fields.empty() && e.fields[0].value < kReadable && e.fields[0].value > -kReadable)
    s += fmt::format(" {}={}", e.fields[0].key, e.fields[0].value);
  return s;
}

std::string format_vclock(const Event& e) {
  if (e.vclock.empty()) return "-";
  std::string s = "{";
  for (std::size_t i = 0; i < e.vclock.size(); ++i) {
    if (i > 0) s += ", ";
    s += fmt::format("{}:{}", e.vclock[i].node, e.vclock[i].count);
  }
  return s + "}";
}

}  // namespace synod::trace
