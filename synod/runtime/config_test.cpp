#include "synod/runtime/config.hpp"

#include <gtest/gtest.h>

namespace synod::runtime {
namespace {

constexpr const char* kGood = R"(
id = 1
listen = "127.0.0.1:7001"
data_dir = "/tmp/synod-node-1"
protocols = ["fake"]
[peers]
2 = "127.0.0.1:7002"
3 = "localhost:7003"
[protocol.fake]
interval = "100ms"
count = 3
[limits]
send_queue_messages = 10
backoff_max = "1s"
)";

// A protocol spec that accepts only `interval` and `count` options.
class FakeProtocol final : public Protocol {
 public:
  ProtocolId id() const override { return 9; }
  std::string_view name() const override { return "fake"; }
  void on_start(Context&) override {}
  void on_message(Context&, NodeId, ByteView) override {}
  void on_timer(Context&, std::uint64_t) override {}
};

const ProtocolSpec* fake_lookup(std::string_view name) {
  static const ProtocolSpec spec{
      "fake", "test", [](const ProtocolOptions& o) -> Result<std::unique_ptr<Protocol>> {
        for (const auto& [k, v] : o) {
          if (k != "interval" && k != "count") return invalid_argument("unknown option " + k);
        }
        auto d = option_duration(o, "interval", std::chrono::milliseconds(1));
        if (!d) return d.status();
        return std::unique_ptr<Protocol>(std::make_unique<FakeProtocol>());
      }};
  return name == "fake" ? &spec : nullptr;
}

Result<NodeConfig> load_text(const std::string& text, const ConfigOverrides& o = {}) {
  auto c = parse_config_toml(text, "node.toml");
  if (!c) return c.status();
  SYNOD_RETURN_IF_ERROR(apply_overrides(*c, o));
  SYNOD_RETURN_IF_ERROR(finish_config(*c));
  return c;
}

// Asserts that loading fails with a single-line message containing `needle`.
void expect_error(const Result<NodeConfig>& r, const std::string& needle) {
  ASSERT_FALSE(r) << "expected an error containing '" << needle << "'";
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
}

TEST(Config, GoodFileParses) {
  auto c = load_text(kGood);
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->id, 1U);
  EXPECT_EQ(c->listen.to_string(), "127.0.0.1:7001");
  ASSERT_EQ(c->peers.size(), 2U);
  EXPECT_EQ(c->peers.at(3).to_string(), "127.0.0.1:7003");
  EXPECT_EQ(c->protocol_options["fake"]["interval"], "100ms");
  EXPECT_EQ(c->protocol_options["fake"]["count"], "3");
  EXPECT_EQ(c->limits.send_queue_messages, 10U);
  EXPECT_EQ(c->limits.backoff_max, std::chrono::seconds(1));
  EXPECT_EQ(c->transport, TransportKind::kTcp);
  auto p = build_protocols(*c, fake_lookup, "fake");
  ASSERT_TRUE(p) << p.status().to_string();
  EXPECT_EQ(p->size(), 1U);
}

TEST(Config, FlagsOverrideFile) {
  ConfigOverrides o;
  o.id = "4";
  o.listen = "127.0.0.1:7004";
  o.peers = {"1=127.0.0.1:7001"};
  o.transport = "udp";
  o.sets = {"fake.interval=5ms"};
  o.data_dir = "/tmp/x";
  auto c = load_text(kGood, o);
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->id, 4U);
  EXPECT_EQ(c->peers.size(), 1U);  // --peer replaces [peers]
  EXPECT_EQ(c->transport, TransportKind::kUdp);
  EXPECT_EQ(c->protocol_options["fake"]["interval"], "5ms");
  EXPECT_EQ(c->protocol_options["fake"]["count"], "3");
}

TEST(Config, FlagsAlone) {
  ConfigOverrides o;
  o.id = "2";
  o.listen = "127.0.0.1:7002";
  o.protocols = "fake";
  NodeConfig c;
  ASSERT_TRUE(apply_overrides(c, o).is_ok());
  ASSERT_TRUE(finish_config(c).is_ok());
  EXPECT_EQ(c.data_dir, ".synod/node-2");
  EXPECT_TRUE(c.peers.empty());
}

TEST(Config, UnknownKey) {
  expect_error(load_text(std::string(kGood) + "\n[bogus]\n"), "unknown key 'bogus'");
}
TEST(Config, UnknownLimit) {
  expect_error(load_text(std::string(kGood) + "colour = 1\n"), "limits.colour");
}
TEST(Config, TomlSyntaxError) { expect_error(load_text("id = = 1\n"), "node.toml:1"); }

TEST(Config, MissingId) {
  expect_error(load_text("listen = \"127.0.0.1:1\"\nprotocols = [\"fake\"]\n"), "missing node id");
}

TEST(Config, DuplicatePeerId) {
  expect_error(load_text("id = 1\nlisten = \"127.0.0.1:1\"\nprotocols = [\"fake\"]\n"
                         "[peers]\n2 = \"127.0.0.1:2\"\n02 = \"127.0.0.1:3\"\n"),
               "duplicate peer id 2");
  ConfigOverrides o;
  o.peers = {"2=127.0.0.1:2", "2=127.0.0.1:3"};
  expect_error(load_text(kGood, o), "duplicate peer id 2");
}

TEST(Config, SelfInPeers) {
  ConfigOverrides o;
  o.peers = {"1=127.0.0.1:7009"};
  expect_error(load_text(kGood, o), "own id 1");
}

TEST(Config, BadAddresses) {
  for (const char* addr : {"nohost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000",
                           "example.com:80", "1.2.3:4", "127.0.0.1:12x"}) {
    ConfigOverrides o;
    o.listen = addr;
    expect_error(load_text(kGood, o), "address");
  }
  ConfigOverrides peer;
  peer.peers = {"2=127.0.0.1"};
  expect_error(load_text(kGood, peer), "peer 2");
  ConfigOverrides no_eq;
  no_eq.peers = {"127.0.0.1:7002"};
  expect_error(load_text(kGood, no_eq), "id=host:port");
  ConfigOverrides v6;
  v6.listen = "[::1]:7001";
  auto c = load_text(kGood, v6);
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->listen.to_string(), "[::1]:7001");
}

TEST(Config, BadIds) {
  for (const char* id : {"0", "-1", "x", "4294967296", ""}) {
    ConfigOverrides o;
    o.id = id;
    expect_error(load_text(kGood, o), "--id");
  }
  expect_error(load_text("id = \"one\"\n"), "positive integer");
}

TEST(Config, BadTransportAndLogLevel) {
  ConfigOverrides o;
  o.transport = "sctp";
  expect_error(load_text(kGood, o), "tcp or udp");
  ConfigOverrides l;
  l.log_level = "loud";
  expect_error(load_text(kGood, l), "log_level");
}

TEST(Config, UnknownProtocol) {
  ConfigOverrides o;
  o.protocols = "fake,nope";
  auto c = load_text(kGood, o);
  ASSERT_TRUE(c);
  auto p = build_protocols(*c, fake_lookup, "fake");
  ASSERT_FALSE(p);
  EXPECT_NE(p.status().message().find("unknown protocol 'nope' (known: fake)"), std::string::npos);
}

TEST(Config, BadOptionValue) {
  ConfigOverrides o;
  o.sets = {"fake.interval=soon"};
  auto c = load_text(kGood, o);
  ASSERT_TRUE(c);
  auto p = build_protocols(*c, fake_lookup, "fake");
  ASSERT_FALSE(p);
  EXPECT_NE(p.status().message().find("protocol fake: option interval"), std::string::npos)
      << p.status().message();
}

TEST(Config, OptionsForDisabledProtocolAndBadSet) {
  ConfigOverrides o;
  o.sets = {"other.x=1"};
  expect_error(load_text(kGood, o), "not enabled");
  ConfigOverrides bad;
  bad.sets = {"novalue"};
  expect_error(load_text(kGood, bad), "protocol.key=value");
}

TEST(Config, ProtocolListedTwiceOrEmpty) {
  ConfigOverrides o;
  o.protocols = "fake,fake";
  expect_error(load_text(kGood, o), "listed twice");
  expect_error(load_text("id = 1\nlisten = \"127.0.0.1:1\"\n"), "no protocols");
}

TEST(Config, BadLimits) {
  expect_error(load_text(std::string(kGood) + "max_frame_bytes = 0\n"), "limits.max_frame_bytes");
  expect_error(load_text(std::string(kGood) + "idle_timeout = \"soon\"\n"), "limits.idle_timeout");
  expect_error(load_text(std::string(kGood) + "backoff_min = \"5s\"\n"), "backoff_min exceeds");
}

TEST(Config, ToTomlRoundTrips) {
  auto c = load_text(kGood);
  ASSERT_TRUE(c);
  auto again = load_text(to_toml(*c));
  ASSERT_TRUE(again) << again.status().to_string() << "\n" << to_toml(*c);
  EXPECT_EQ(again->id, c->id);
  EXPECT_EQ(again->peers, c->peers);
  EXPECT_EQ(again->protocols, c->protocols);
  EXPECT_EQ(again->protocol_options, c->protocol_options);
  EXPECT_EQ(again->data_dir, c->data_dir);
}

}  // namespace
}  // namespace synod::runtime
