#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "synod/node/node.hpp"
#include "synod/node/registry.hpp"

namespace synod {
namespace {

// A NodeEnv that records effects.
class RecordingEnv final : public NodeEnv {
 public:
  struct Sent {
    NodeId to;
    ProtocolId protocol;
    Bytes payload;
  };
  class MapStorage final : public Storage {
   public:
    Status put(std::string_view k, ByteView v) override {
      data[std::string(k)] = Bytes(v.begin(), v.end());
      return Status::ok();
    }
    Status erase(std::string_view k) override {
      data.erase(std::string(k));
      return Status::ok();
    }
    std::optional<Bytes> get(std::string_view k) const override {
      auto it = data.find(std::string(k));
      if (it == data.end()) return std::nullopt;
      return it->second;
    }
    Status sync() override { return Status::ok(); }
    std::map<std::string, Bytes> data;
  };

  NodeId self() const override { return 1; }
  std::span<const NodeId> peers() const override { return peers_; }
  void send(NodeId to, ProtocolId protocol, Bytes payload) override {
    sent.push_back({to, protocol, std::move(payload)});
  }
  TimerId set_timer(Duration, ProtocolId protocol, std::uint64_t tag) override {
    timers.emplace_back(protocol, tag);
    return timers.size();
  }
  void cancel_timer(TimerId) override {}
  Time now() const override { return {123}; }
  Storage& storage(ProtocolId protocol) override { return storages[protocol]; }
  void observe(ProtocolId protocol, std::string_view kind, ObsFields) override {
    observed.emplace_back(protocol, std::string(kind));
  }
  void log(ProtocolId, std::string_view) override {}
  void reply(ProtocolId, CommandId id, std::string json) override { replies[id] = std::move(json); }
  std::map<CommandId, std::string> replies;

  std::vector<NodeId> peers_{2, 3};
  std::vector<Sent> sent;
  std::vector<std::pair<ProtocolId, std::uint64_t>> timers;
  std::vector<std::pair<ProtocolId, std::string>> observed;
  std::map<ProtocolId, MapStorage> storages;
};

class Echo final : public Protocol {
 public:
  explicit Echo(ProtocolId id) : id_(id) {}
  ProtocolId id() const override { return id_; }
  std::string_view name() const override { return id_ == 7 ? "seven" : "nine"; }
  void on_start(Context& ctx) override {
    started = true;
    ctx.set_timer(std::chrono::milliseconds(1), 99);
    (void)ctx.storage().put("k", Bytes{static_cast<std::uint8_t>(id_)});
  }
  void on_recover(Context&) override { recovered = true; }
  void on_message(Context& ctx, NodeId from, ByteView payload) override {
    ctx.send(from, Bytes(payload.begin(), payload.end()));
    ctx.observe("echo", {{"from", from}});
  }
  void on_timer(Context&, std::uint64_t tag) override { last_tag = tag; }
  std::string status_json() const override { return "{\"ok\":true}"; }

  ProtocolId id_;
  bool started = false;
  bool recovered = false;
  std::uint64_t last_tag = 0;
};

TEST(Node, RoutesByProtocolIdAndTagsEffects) {
  RecordingEnv env;
  std::vector<std::unique_ptr<Protocol>> ps;
  ps.push_back(std::make_unique<Echo>(9));
  ps.push_back(std::make_unique<Echo>(7));
  Node node(env, 1, std::move(ps));
  node.start(false);
  ASSERT_EQ(env.timers.size(), 2U);
  EXPECT_EQ(env.timers[0].first, 7);  // started in id order
  EXPECT_EQ(env.timers[1].first, 9);

  const Bytes msg{1, 2, 3};
  node.deliver(2, 9, msg);
  ASSERT_EQ(env.sent.size(), 1U);
  EXPECT_EQ(env.sent[0].to, 2U);
  EXPECT_EQ(env.sent[0].protocol, 9);
  EXPECT_EQ(env.sent[0].payload, msg);
  EXPECT_EQ(env.observed.at(0), (std::pair<ProtocolId, std::string>{9, "echo"}));

  node.fire_timer(7, 99);
  EXPECT_EQ(static_cast<Echo*>(node.find(7))->last_tag, 99U);

  // Each protocol has its own storage namespace.
  EXPECT_EQ(env.storages[7].data.at("k"), Bytes{7});
  EXPECT_EQ(env.storages[9].data.at("k"), Bytes{9});
}

TEST(Node, UnknownProtocolIsCountedNotFatal) {
  RecordingEnv env;
  std::vector<std::unique_ptr<Protocol>> ps;
  ps.push_back(std::make_unique<Echo>(7));
  Node node(env, 1, std::move(ps));
  node.deliver(3, 1234, Bytes{0});
  EXPECT_EQ(node.unknown_protocol_drops(), 1U);
  EXPECT_TRUE(env.sent.empty());
}

TEST(Node, RecoverCallsOnRecoverAndStatusListsProtocols) {
  RecordingEnv env;
  std::vector<std::unique_ptr<Protocol>> ps;
  ps.push_back(std::make_unique<Echo>(7));
  Node node(env, 1, std::move(ps));
  node.start(true);
  EXPECT_TRUE(static_cast<Echo*>(node.find(7))->recovered);
  EXPECT_EQ(node.status_json(), R"({"node":1,"protocols":{"seven":{"ok":true}}})");
}

TEST(Registry, ParsesDurationsAndRejectsGarbage) {
  EXPECT_EQ(*parse_duration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*parse_duration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(*parse_duration("40us"), std::chrono::microseconds(40));
  EXPECT_EQ(*parse_duration("7"), std::chrono::milliseconds(7));
  EXPECT_EQ(*parse_duration("-2s"), std::chrono::seconds(-2));
  EXPECT_FALSE(parse_duration("fast"));
  EXPECT_FALSE(parse_duration("10 parsecs"));
  EXPECT_FALSE(parse_duration("1e30s"));
  EXPECT_FALSE(parse_duration(""));
}

TEST(Registry, OptionHelpersNameTheKey) {
  ProtocolOptions o{{"fanout", "x"}, {"interval", "0ms"}};
  auto f = option_int(o, "fanout", 3, 1, 10);
  ASSERT_FALSE(f);
  EXPECT_NE(f.status().message().find("fanout"), std::string::npos);
  EXPECT_FALSE(option_duration(o, "interval", std::chrono::seconds(1)));
  EXPECT_EQ(*option_int(o, "absent", 3, 1, 10), 3);
  EXPECT_FALSE(option_int({{"n", "11"}}, "n", 3, 1, 10));
}

TEST(Storage, KeyRules) {
  EXPECT_TRUE(valid_storage_key("incarnation"));
  EXPECT_TRUE(valid_storage_key("raft.log-1_x"));
  EXPECT_FALSE(valid_storage_key(""));
  EXPECT_FALSE(valid_storage_key("../etc"));
  EXPECT_FALSE(valid_storage_key("a/b"));
  EXPECT_FALSE(valid_storage_key(".hidden"));
  EXPECT_FALSE(valid_storage_key(std::string(65, 'a')));
}

}  // namespace
}  // namespace synod
