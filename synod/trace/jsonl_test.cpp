#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "synod/trace/jsonl.hpp"

namespace synod {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("synod_jsonl_" + name)).string();
}

TEST(Jsonl, FormatsEventWithFieldsAndEscapes) {
  const ObsField fields[] = {{"peer", 3}, {"inc", -1}};
  Event e;
  e.seq = 7;
  e.time_ns = 1500;
  e.kind = EventKind::kObserve;
  e.node = 2;
  e.protocol = 1;
  e.what = "sus\"pect";
  e.fields = fields;
  std::string out;
  format_event_json(e, out);
  EXPECT_EQ(
      out,
      R"({"seq":7,"t":1500,"k":"observe","n":2,"p":0,"proto":1,"b":0,"w":"sus\"pect","f":{"peer":3,"inc":-1}})");
}

TEST(Jsonl, WriteReadMergeRoundTrip) {
  const std::string a = temp_path("a.jsonl");
  const std::string b = temp_path("b.jsonl");
  {
    auto wa = TraceWriter::open(a);
    auto wb = TraceWriter::open(b);
    ASSERT_TRUE(wa && wb);
    const ObsField f[] = {{"peer", 2}};
    Event e1{1, 100, EventKind::kObserve, 1, 0, 1, 0, "suspect", f};
    Event e2{1, 50, EventKind::kSend, 2, 1, 1, 12, "", {}};
    Event e3{2, 150, EventKind::kDeliver, 2, 1, 1, 12, "", {}};
    (*wa)->write(e1);
    (*wb)->write(e2);
    (*wb)->write(e3);
  }
  auto ta = read_trace(a);
  auto tb = read_trace(b);
  ASSERT_TRUE(ta && tb);
  auto merged = merge_traces({std::move(*ta), std::move(*tb)});
  ASSERT_EQ(merged.size(), 3U);
  EXPECT_EQ(merged[0].event.kind, EventKind::kSend);
  EXPECT_EQ(merged[1].event.what, "suspect");
  EXPECT_EQ(obs_get(merged[1].event.fields, "peer"), 2);
  EXPECT_EQ(merged[2].event.seq, 3U);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(Jsonl, MalformedLineNamesFileAndLine) {
  const std::string p = temp_path("bad.jsonl");
  {
    std::ofstream out(p);
    out << R"({"t":1,"k":"send"})"
        << "\n"
        << "{not json\n";
  }
  auto t = read_trace(p);
  ASSERT_FALSE(t);
  EXPECT_NE(t.status().message().find(":2:"), std::string::npos) << t.status().message();
  {
    std::ofstream out(p);
    out << R"({"t":1,"k":"teleport"})"
        << "\n";
  }
  EXPECT_FALSE(read_trace(p));
  {
    std::ofstream out(p);
    out << R"({"t":"soon","k":"send"})"
        << "\n";
  }
  EXPECT_FALSE(read_trace(p));
  std::remove(p.c_str());
  EXPECT_FALSE(read_trace(p));  // missing file
}

// A node still writing leaves a last line without its newline: `synod check` must not fail on it
// (nor count half an event), so read_complete_trace leaves it out and says how much it left.
TEST(Jsonl, CompleteReadLeavesOutAPartialLastLine) {
  const std::string p = temp_path("partial.jsonl");
  {
    std::ofstream out(p);
    out << R"({"t":1,"k":"send","n":1})"
        << "\n"
        << R"({"t":2,"k":"deliver","n":2})"
        << "\n"
        << R"({"t":3,"k":"se)";
  }
  auto t = read_complete_trace(p);
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(t->events.size(), 2U);
  EXPECT_EQ(t->partial_bytes, 14U);
  EXPECT_FALSE(read_trace(p));  // the plain reader still parses every line, and so fails here
  {
    std::ofstream out(p);
    out << R"({"t":1,"k":"send","n":1})"
        << "\n";
  }
  t = read_complete_trace(p);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->events.size(), 1U);
  EXPECT_EQ(t->partial_bytes, 0U);
  std::remove(p.c_str());
}

}  // namespace
}  // namespace synod
