#include "synod/trace/jsonl.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace synod {
namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

Result<EventKind> kind_from_name(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(EventKind::kHeal); ++k) {
    if (event_kind_name(static_cast<EventKind>(k)) == name) return static_cast<EventKind>(k);
  }
  return invalid_argument("unknown event kind '" + std::string(name) + "'");
}

}  // namespace

namespace {

// Traces are written on the simulator's hot path: integers go through to_chars, no format parsing.
template <typename Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

}  // namespace

void format_event_json(const Event& e, std::string& out) {
  out += "{\"seq\":";
  append_int(out, e.seq);
  out += ",\"t\":";
  append_int(out, e.time_ns);
  out += ",\"k\":\"";
  out += event_kind_name(e.kind);
  out += "\",\"n\":";
  append_int(out, e.node);
  out += ",\"p\":";
  append_int(out, e.peer);
  out += ",\"proto\":";
  append_int(out, e.protocol);
  out += ",\"b\":";
  append_int(out, e.bytes);
  if (!e.what.empty()) {
    out += ",\"w\":";
    append_json_string(out, e.what);
  }
  if (e.msg_id != 0) {
    out += ",\"m\":";
    append_int(out, e.msg_id);
  }
  if (e.life != 0) {
    out += ",\"life\":";
    append_int(out, e.life);
  }
  if (e.lamport != 0) {
    out += ",\"lc\":";
    append_int(out, e.lamport);
    out += ",\"vc\":{";
    for (std::size_t i = 0; i < e.vclock.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      append_int(out, e.vclock[i].node);
      out += "\":";
      append_int(out, e.vclock[i].count);
    }
    out += '}';
  }
  if (!e.fields.empty()) {
    out += ",\"f\":{";
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, e.fields[i].key);
      out += ':';
      append_int(out, e.fields[i].value);
    }
    out += '}';
  }
  out += '}';
}

Result<std::unique_ptr<TraceWriter>> TraceWriter::open(const std::string& path) {
  if (path == "-") return std::make_unique<TraceWriter>(stdout, false);
  std::FILE* f = std::fopen(path.c_str(), "we");
  if (f == nullptr) return unavailable("cannot open trace file " + path);
  return std::make_unique<TraceWriter>(f, true);
}

TraceWriter::TraceWriter(std::FILE* file, bool owned) : file_(file), owned_(owned) {}

TraceWriter::~TraceWriter() {
  flush();
  if (owned_) std::fclose(file_);
}

void TraceWriter::write(const Event& e) {
  line_.clear();
  format_event_json(e, line_);
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

void TraceWriter::flush() { std::fflush(file_); }

void OwnedEvent::bind() {
  event.what = what;
  for (std::size_t i = 0; i < fields.size(); ++i) fields[i].key = keys[i];
  event.fields = fields;
  event.vclock = vclock;
}

Result<std::vector<OwnedEvent>> read_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("cannot open trace " + path);
  std::vector<OwnedEvent> events;
  std::string line;
  std::size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    auto where = [&] { return path + ":" + std::to_string(lineno) + ": "; };
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return invalid_argument(where() + "not a JSON object");
    try {
      OwnedEvent oe;
      auto kind = kind_from_name(j.at("k").get<std::string>());
      if (!kind) return invalid_argument(where() + kind.status().message());
      oe.event.kind = *kind;
      oe.event.seq = j.value("seq", std::uint64_t{0});
      oe.event.time_ns = j.at("t").get<std::int64_t>();
      oe.event.node = j.value("n", NodeId{0});
      oe.event.peer = j.value("p", NodeId{0});
      oe.event.protocol = j.value("proto", ProtocolId{0});
      oe.event.bytes = j.value("b", std::uint32_t{0});
      oe.what = j.value("w", std::string());
      oe.event.msg_id = j.value("m", std::uint64_t{0});
      oe.event.life = j.value("life", std::uint32_t{0});
      oe.event.lamport = j.value("lc", std::uint64_t{0});
      if (auto vc = j.find("vc"); vc != j.end() && vc->is_object()) {
        for (auto it = vc->begin(); it != vc->end(); ++it) {
          const unsigned long node = std::stoul(it.key());
          if (node == 0 || node > 0xFFFFFFFFUL) return invalid_argument(where() + "bad vector clock node '" + it.key() + "'");
          oe.vclock.push_back({static_cast<NodeId>(node), it.value().get<std::uint64_t>()});
        }
        std::sort(oe.vclock.begin(), oe.vclock.end(),
                  [](const auto& a, const auto& b) { return a.node < b.node; });
      }
      if (auto f = j.find("f"); f != j.end() && f->is_object()) {
        for (auto it = f->begin(); it != f->end(); ++it) {
          oe.keys.push_back(it.key());
          oe.fields.push_back({{}, it.value().get<std::int64_t>()});
        }
      }
      events.push_back(std::move(oe));
    } catch (const nlohmann::json::exception& ex) {
      return invalid_argument(where() + ex.what());
    } catch (const std::logic_error& ex) {  // stoul on a non-numeric vector clock key
      return invalid_argument(where() + "bad vector clock key");
    }
  }
  for (auto& e : events) e.bind();
  return events;
}

std::vector<OwnedEvent> merge_traces(std::vector<std::vector<OwnedEvent>> traces) {
  std::vector<OwnedEvent> all;
  for (auto& t : traces) {
    for (auto& e : t) all.push_back(std::move(e));
  }
  std::stable_sort(all.begin(), all.end(), [](const OwnedEvent& a, const OwnedEvent& b) {
    if (a.event.time_ns != b.event.time_ns) return a.event.time_ns < b.event.time_ns;
    if (a.event.node != b.event.node) return a.event.node < b.event.node;
    return a.event.seq < b.event.seq;
  });
  std::uint64_t seq = 0;
  for (auto& e : all) {
    e.event.seq = ++seq;
    e.bind();
  }
  return all;
}

}  // namespace synod
