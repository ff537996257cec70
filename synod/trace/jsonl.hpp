// Traces as JSON lines, one Event per line:
//   {"seq":7,"t":1500000,"k":"observe","n":2,"p":0,"proto":1,"b":0,"w":"suspect","life":1,
//    "lc":12,"vc":{"1":4,"2":9},"f":{"peer":3}}
// m = message id (matches a send to its deliveries), life = the node's incarnation, lc = Lamport
// clock, vc = vector clock after the event (sparse: node -> count).
// Keys are short because real nodes write one line per message. `t` is nanoseconds (true time in
// the simulator, the node's wall clock in real runs). Unknown keys are ignored by the reader so the
// format can grow.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "synod/check/event.hpp"
#include "synod/core/status.hpp"

namespace synod {

// Formats one event as a JSON object without the trailing newline.
void format_event_json(const Event& e, std::string& out);

// Appends events to a file (or stdout). Writes are buffered; flush() pushes them to the OS.
class TraceWriter {
 public:
  static Result<std::unique_ptr<TraceWriter>> open(const std::string& path);
  explicit TraceWriter(std::FILE* file, bool owned);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void write(const Event& e);
  void flush();
  // Events written so far (= lines the file holds once flushed).
  std::uint64_t written() const { return written_; }

 private:
  std::FILE* file_;
  bool owned_;
  std::string line_;
  std::uint64_t written_ = 0;
};

// An Event that owns its strings (for traces read back from disk).
struct OwnedEvent {
  Event event;
  std::string what;
  std::vector<std::string> keys;
  std::vector<ObsField> fields;
  std::vector<causal::VectorEntry> vclock;
  // Re-points event.what/event.fields at the owned storage (call after copying/moving).
  void bind();
};

// Reads a JSONL trace; a malformed line is an error naming the file and line number.
Result<std::vector<OwnedEvent>> read_trace(const std::string& path);
// A trace read while its node may still be writing it: only complete lines are events; a last
// line without its newline (the writer is mid-line) is left out and its size reported.
struct TraceRead {
  std::vector<OwnedEvent> events;
  std::size_t partial_bytes = 0;
};
Result<TraceRead> read_complete_trace(const std::string& path);
// Merges several nodes' traces into one execution ordered by (time, node, seq) and renumbers seq.
std::vector<OwnedEvent> merge_traces(std::vector<std::vector<OwnedEvent>> traces);

}  // namespace synod
