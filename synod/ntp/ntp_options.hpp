// Options of the `ntp` protocol (synod sim ntp --set key=value, or a node's TOML table).
//   reference=1,4       these nodes are local reference clocks (0: none); default 1
//   local_stratum=S     its stratum (1..15); default 1
//   servers=1,2,3       servers this node polls in client mode (default: the references)
//   peers=2,3           symmetric (peer) associations
//   broadcast=1         the reference broadcasts (mode 5) to every node each poll
//   broadcast_client=1  listen to broadcasts (calibrating the delay with one exchange first)
//   poll=1s             poll interval (RFC 5905 uses 64 s+; short in simulation)
//   min_distance=1ms    floor of a server's root distance in selection (ntpd's mindist)
//   makestep=1ms, makestep_limit=3    step instead of slewing in the first updates
//   mutant=N1,N2,N4,N5      test only: breaks one rule of ntp_protocol.hpp
// Refused: poll below 1 ms; no reference and no peers (nothing any node could synchronize to).
#pragma once

#include <vector>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"
#include "synod/node/mutant.hpp"
#include "synod/node/registry.hpp"
#include "synod/ntp/discipline.hpp"

namespace synod::ntp {

struct NtpOptions {
  std::vector<NodeId> references{1};
  int local_stratum = 1;
  std::vector<NodeId> servers;
  bool servers_given = false;
  std::vector<NodeId> peers;
  bool broadcast = false;
  bool broadcast_client = false;
  Duration poll = std::chrono::seconds(1);
  Duration min_distance = std::chrono::milliseconds(1);
  DisciplineOptions discipline;
  Mutant mutant;  // test only (synod/node/mutant.hpp): breaks one rule N1, N2, N4 or N5
};

Result<NtpOptions> parse_ntp_options(const ProtocolOptions& opts);

}  // namespace synod::ntp
