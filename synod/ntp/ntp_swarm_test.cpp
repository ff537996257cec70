// Acceptance: 1,000 swarm seeds (fewer under sanitizers) of `ntp` at its defaults on 5 nodes
// (reference 1, the others its clients), with the catalog's checker (NS1-NS2 on every event,
// NL1-NL2 after healing; its 19-poll window lengthens the stabilize phase).
#include <gtest/gtest.h>

#include "synod/ntp/ntp_protocol.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::ntp {
namespace {

TEST(NtpSwarm, ThousandSeedsNoViolations) {
  const auto r = sim::expect_swarm_clean(catalog().front(), {}, {.nodes = 5});
  EXPECT_EQ(r.stabilize_raised_by, "ntp");
}

// Options that cannot work are refused with the reason.
TEST(NtpOptions, RefusesSettingsThatCannotWork) {
  EXPECT_FALSE(parse_ntp_options({{"poll", "500us"}}));
  const auto none = parse_ntp_options({{"reference", "0"}});
  ASSERT_FALSE(none);
  EXPECT_NE(none.status().message().find("no node has a clock"), std::string::npos);
  EXPECT_FALSE(parse_ntp_options({{"mutant", "N9"}}));
  EXPECT_TRUE(parse_ntp_options({{"mutant", "N1"}}));
}

}  // namespace
}  // namespace synod::ntp
