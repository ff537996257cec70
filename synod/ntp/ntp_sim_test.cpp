// Simulated acceptance, modelled on chrony's own simulation tests (test/simulation): a client with
// a 100 ppm frequency error and a 0.1 s initial offset, 100 us network delay plus up to 100 us
// jitter. Once synchronized the client's error against the simulator's true time must stay within
// 1 ms (max) and 300 us (RMS). Also: asymmetric delay (error = half the asymmetry, which NTP
// cannot see), a falseticker among 4 servers, 20% loss, symmetric peers and broadcast.
#include <gtest/gtest.h>

#include <cmath>

#include "synod/ntp/ntp_protocol.hpp"
#include "synod/sim/clock_model.hpp"
#include "synod/sim/testing.hpp"

namespace synod::ntp {
namespace {

using namespace std::chrono_literals;

struct Stats {
  double max_abs_us = 0;
  double rms_us = 0;
  double mean_us = 0;
  bool synced = false;
  std::uint64_t updates = 0;
};

struct Scenario {
  std::uint32_t nodes = 2;
  std::string faults;
  ProtocolOptions options;
  NodeId client = 2;
  Duration client_offset = 100ms;
  double client_ppm = 100;
  Duration settle = 60s;  // "once synced": measured from here
  Duration end = 300s;
};

// Runs the scenario and samples the client's error every 50 ms of true time after `settle`.
Stats run(const Scenario& sc, std::uint64_t seed = 1) {
  const std::string faults = sc.faults + "; clock " + std::to_string(sc.client) +
                             " offset=" + std::to_string(sc.client_offset.count() / 1000) +
                             "us,drift=" + std::to_string(sc.client_ppm);
  sim::SimOptions o = sim::scripted(faults, sc.nodes, seed, sc.end, 0s);
  sim::Simulator s(o, sim::from_spec(ntp_spec(), sc.options));
  s.start();
  // The client's host clock, as the simulator models it (a fixed offset and rate here).
  sim::ClockModel host;
  host.set_offset(sc.client_offset);
  host.set_drift(0, sc.client_ppm);
  Stats st;
  double sum = 0;
  double sum2 = 0;
  std::int64_t n = 0;
  for (std::int64_t t = sc.settle.count(); t <= sc.end.count(); t += 50'000'000) {
    s.run_until(t);
    const auto& p = sim::protocol_on<NtpProtocol>(s, sc.client, NtpProtocol::kId);
    const double err =
        static_cast<double>(p.clock().read(host.read(t)).ns - (sim::kSimEpochNs + t)) / 1e3;
    st.max_abs_us = std::max(st.max_abs_us, std::abs(err));
    sum += err;
    sum2 += err * err;
    ++n;
    st.synced = p.synchronized();
    st.updates = p.updates();
  }
  st.mean_us = sum / static_cast<double>(n);
  st.rms_us = std::sqrt(sum2 / static_cast<double>(n));
  return st;
}

constexpr const char* kChronyNet = "latency=uniform:100us..200us";

TEST(NtpSim, ChronyAcceptance100ppm100msOffset) {
  for (std::uint64_t seed : {1, 2, 3}) {
    Scenario sc;
    sc.faults = kChronyNet;
    const Stats st = run(sc, seed);
    EXPECT_TRUE(st.synced);
    EXPECT_GE(st.updates, 30U);  // a new lowest-delay sample every few polls drives the clock
    EXPECT_LE(st.max_abs_us, 1000) << "seed " << seed;
    EXPECT_LE(st.rms_us, 300) << "seed " << seed;
    std::printf("seed %llu: max %.1f us rms %.1f us\n", static_cast<unsigned long long>(seed),
                st.max_abs_us, st.rms_us);
  }
}

TEST(NtpSim, NegativeFrequencyErrorAndOffset) {
  Scenario sc;
  sc.faults = kChronyNet;
  sc.client_offset = -100ms;
  sc.client_ppm = -100;
  const Stats st = run(sc);
  EXPECT_LE(st.max_abs_us, 1000);
  EXPECT_LE(st.rms_us, 300);
}

// NTP assumes symmetric paths: with 1 ms out and 100 us back, theta = true offset + (1 ms -
// 100 us) / 2, so the client settles 450 us ahead of true time (RFC 5905 section 8: the error is
// half the asymmetry, bounded by half the delay).
TEST(NtpSim, AsymmetricDelayErrorIsHalfTheAsymmetry) {
  Scenario sc;
  sc.faults = "latency=fixed:100us; link 2>1 latency=fixed:1ms";
  const Stats st = run(sc);
  EXPECT_NEAR(st.mean_us, 450, 50);
  EXPECT_LE(std::abs(st.max_abs_us - 450), 100);
}

// Four stratum-1 servers, node 4's clock 50 ms fast: selection must call it a falseticker.
TEST(NtpSim, FalsetickerAmongFourServersIsRejected) {
  Scenario sc;
  sc.nodes = 5;
  sc.client = 5;
  sc.faults = std::string(kChronyNet) + "; clock 4 offset=50ms";
  sc.options = {{"reference", "1,2,3,4"}};
  const Stats st = run(sc);
  EXPECT_LE(st.max_abs_us, 1000);
  EXPECT_LE(st.rms_us, 300);
  sim::SimOptions o = sim::scripted(sc.faults, 5, 1, 30s, 0s);
  sim::Simulator s(o, sim::from_spec(ntp_spec(), sc.options));
  s.run();
  const auto& p = sim::protocol_on<NtpProtocol>(s, 5, NtpProtocol::kId);
  EXPECT_EQ(p.falsetickers(), std::vector<NodeId>{4});
  EXPECT_EQ(p.truechimers(), (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(p.stratum(), 2);
}

TEST(NtpSim, TwentyPercentLoss) {
  Scenario sc;
  sc.faults = std::string(kChronyNet) + ",loss=0.2";
  const Stats st = run(sc);
  EXPECT_TRUE(st.synced);
  EXPECT_LE(st.max_abs_us, 1000);
  EXPECT_LE(st.rms_us, 300);
}

// Symmetric (peer) mode: node 2 peers with the reference and synchronizes from RFC 5905's
// continuous mode-1 exchange (org/rec bookkeeping), without either side answering a request.
TEST(NtpSim, SymmetricPeerSynchronizes) {
  Scenario sc;
  sc.faults = kChronyNet;
  sc.options = {{"peers", "1,2"}, {"servers", ""}};
  const Stats st = run(sc);
  EXPECT_TRUE(st.synced);
  EXPECT_LE(st.max_abs_us, 1000);
  EXPECT_LE(st.rms_us, 300);
  sim::Simulator s(sim::scripted(kChronyNet, 2, 1, 30s, 0s),
                   sim::from_spec(ntp_spec(), sc.options));
  s.run();
  EXPECT_TRUE(sim::protocol_on<NtpProtocol>(s, 2, NtpProtocol::kId).synchronized());
  EXPECT_EQ(sim::protocol_on<NtpProtocol>(s, 1, NtpProtocol::kId).server_counters().replies, 0U);
  EXPECT_EQ(sim::protocol_on<NtpProtocol>(s, 2, NtpProtocol::kId).server_counters().replies, 0U);
}

// Broadcast: the reference sends mode 5 each poll; clients calibrate the delay once, then listen.
TEST(NtpSim, BroadcastClientsSynchronize) {
  Scenario sc;
  sc.nodes = 3;
  sc.faults = kChronyNet;
  sc.options = {{"broadcast", "1"}, {"broadcast_client", "1"}, {"servers", ""}};
  const Stats st = run(sc);
  EXPECT_TRUE(st.synced);
  EXPECT_LE(st.max_abs_us, 1000);
  EXPECT_LE(st.rms_us, 300);
  sim::Simulator s(sim::scripted(kChronyNet, 3, 1, 30s, 0s),
                   sim::from_spec(ntp_spec(), sc.options));
  s.run();
  // After calibration the clients stop polling: the server answered one request per client.
  const auto& server = sim::protocol_on<NtpProtocol>(s, 1, NtpProtocol::kId);
  EXPECT_EQ(server.server_counters().replies, 2U);
  EXPECT_TRUE(sim::protocol_on<NtpProtocol>(s, 3, NtpProtocol::kId).synchronized());
}

// The chrony-style acceptance over many seeds (each seed its own jitter draws).
TEST(NtpSim, AcceptanceAcrossSeeds) {
  const std::uint64_t seeds = std::max<std::uint64_t>(1, sim::acceptance_seeds() / 10);
  double worst_max = 0;
  double worst_rms = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    Scenario sc;
    sc.faults = kChronyNet;
    sc.end = 120s;
    const Stats st = run(sc, seed);
    ASSERT_LE(st.max_abs_us, 1000) << "seed " << seed;
    ASSERT_LE(st.rms_us, 300) << "seed " << seed;
    worst_max = std::max(worst_max, st.max_abs_us);
    worst_rms = std::max(worst_rms, st.rms_us);
  }
  std::printf("%llu seeds: worst max %.1f us, worst rms %.1f us\n",
              static_cast<unsigned long long>(seeds), worst_max, worst_rms);
}

}  // namespace
}  // namespace synod::ntp
