#include "synod/trace/jsonl.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace synod {
namespace {

Result<EventKind> kind_from_name(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(EventKind::kHeal); ++k) {
    if (event_kind_name(static_cast<EventKind>(k)) == name) return static_cast<EventKind>(k);
  }
  return invalid_argument("unknown event kind '" + std::string(name) + "'");
}

}  // namespace

namespace {

// Traces are written on the simulator's hot path: the line is written through a raw cursor into a
// buffer sized once to an upper bound (no per-token string growth, no format parsing).
class Cursor {
 public:
  explicit Cursor(char* p) : p_(p) {}
  template <std::size_t N>
  void lit(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void ch(char c) { *p_++ = c; }
  template <typename Int>
  void num(Int v) {
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
  }
  void str(std::string_view s) {  // JSON string with escapes
    *p_++ = '"';
    for (char c : s) {
      if (c == '"' || c == '\\') {
        *p_++ = '\\';
        *p_++ = c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        lit("\\u00");
        *p_++ = kHex[(c >> 4) & 0xF];
        *p_++ = kHex[c & 0xF];
      } else {
        *p_++ = c;
      }
    }
    *p_++ = '"';
  }
  char* end() const { return p_; }

 private:
  char* p_;
};

std::size_t bound(const Event& e) {
  std::size_t n = 256 + 6 * e.what.size() + 48 * e.vclock.size();
  for (const auto& f : e.fields) n += 6 * f.key.size() + 32;
  return n;
}

}  // namespace

void format_event_json(const Event& e, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + bound(e));
  Cursor c(out.data() + start);
  c.lit("{\"seq\":");
  c.num(e.seq);
  c.lit(",\"t\":");
  c.num(e.time_ns);
  c.lit(",\"k\":");
  c.str(event_kind_name(e.kind));
  c.lit(",\"n\":");
  c.num(e.node);
  c.lit(",\"p\":");
  c.num(e.peer);
  c.lit(",\"proto\":");
  c.num(e.protocol);
  c.lit(",\"b\":");
  c.num(e.bytes);
  if (!e.what.empty()) {
    c.lit(",\"w\":");
    c.str(e.what);
  }
  if (e.msg_id != 0) {
    c.lit(",\"m\":");
    c.num(e.msg_id);
  }
  if (e.life != 0) {
    c.lit(",\"life\":");
    c.num(e.life);
  }
  if (e.lamport != 0) {
    c.lit(",\"lc\":");
    c.num(e.lamport);
    c.lit(",\"vc\":{");
    for (std::size_t i = 0; i < e.vclock.size(); ++i) {
      if (i > 0) c.ch(',');
      c.ch('"');
      c.num(e.vclock[i].node);
      c.lit("\":");
      c.num(e.vclock[i].count);
    }
    c.ch('}');
  }
  if (!e.fields.empty()) {
    c.lit(",\"f\":{");
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      if (i > 0) c.ch(',');
      c.str(e.fields[i].key);
      c.ch(':');
      c.num(e.fields[i].value);
    }
    c.ch('}');
  }
  c.ch('}');
  out.resize(static_cast<std::size_t>(c.end() - out.data()));
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
  ++written_;
}

void TraceWriter::flush() { std::fflush(file_); }

void OwnedEvent::bind() {
  event.what = what;
  for (std::size_t i = 0; i < fields.size(); ++i) fields[i].key = keys[i];
  event.fields = fields;
  event.vclock = vclock;
}

namespace {

// Parses one JSONL line into `oe`; errors are prefixed with `where` (file:line).
Status parse_event_line(const std::string& line, const std::string& where, OwnedEvent& oe) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalid_argument(where + "not a JSON object");
  try {
    auto kind = kind_from_name(j.at("k").get<std::string>());
    if (!kind) return invalid_argument(where + kind.status().message());
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
        if (node == 0 || node > 0xFFFFFFFFUL)
          return invalid_argument(where + "bad vector clock node '" + it.key() + "'");
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
  } catch (const nlohmann::json::exception& ex) {
    return invalid_argument(where + ex.what());
  } catch (const std::logic_error& ex) {  // stoul on a non-numeric vector clock key
    return invalid_argument(where + "bad vector clock key");
  }
  return Status::ok();
}

// Reads `path`; with `complete_only`, a last line without its newline is left out (its size in
// `partial_bytes`), otherwise it is parsed like the others.
Result<TraceRead> read_lines(const std::string& path, bool complete_only) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot open trace " + path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TraceRead out;
  std::size_t lineno = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const bool complete = nl != std::string::npos;
    const std::string line = text.substr(start, complete ? nl - start : std::string::npos);
    start = complete ? nl + 1 : text.size();
    ++lineno;
    if (!complete && complete_only) {
      out.partial_bytes = line.size();
      break;
    }
    if (line.empty()) continue;
    OwnedEvent oe;
    SYNOD_RETURN_IF_ERROR(parse_event_line(line, path + ":" + std::to_string(lineno) + ": ", oe));
    out.events.push_back(std::move(oe));
  }
  for (auto& e : out.events) e.bind();
  return out;
}

}  // namespace

Result<std::vector<OwnedEvent>> read_trace(const std::string& path) {
  auto r = read_lines(path, /*complete_only=*/false);
  if (!r) return r.status();
  return std::move(r->events);
}

Result<TraceRead> read_complete_trace(const std::string& path) {
  return read_lines(path, /*complete_only=*/true);
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
