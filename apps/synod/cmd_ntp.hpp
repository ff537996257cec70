// `synod ntp serve|query|sync`: NTP on real UDP, standalone (no cluster). One file per verb.
#pragma once

#include <string>
#include <vector>

#include "apps/synod/commands.hpp"

namespace synod::app {

struct NtpServeArgs {
  int port = 123;
  std::string bind = "127.0.0.1";
  int stratum = 10;  // chrony's `local` default
  std::string keys;
  bool require_auth = false;
  std::string rate_limit = "0s";
  std::string duration = "0s";  // 0 = until SIGINT/SIGTERM
  std::string broadcast;        // ADDR[:PORT]: also send mode-5 packets there
  std::string interval = "1s";  // between broadcasts
};

struct NtpQueryArgs {
  std::string server;
  bool json = false;
  int samples = 1;
  std::string gap = "50ms";
  std::string timeout = "2s";
  std::string keys;
  std::uint32_t key_id = 0;
};

struct NtpSyncArgs {
  std::vector<std::string> servers;
  std::string broadcast_client;  // GROUP:PORT to listen on for mode-5 packets
  std::string duration = "10s";
  std::string poll = "1s";
  std::string clock_offset = "0s";  // added to the host clock (simulates a wrong clock)
  bool json = false;
};

struct NtpPeerArgs {
  std::string bind = "127.0.0.1";
  int port = 0;
  std::vector<std::string> peers;
  int stratum = 0;  // 0: not a reference; else a local reference of this stratum
  std::string duration = "10s";
  std::string poll = "1s";
  std::string clock_offset = "0s";
  bool json = false;
};

int run_ntp_serve(const NtpServeArgs& a);
int run_ntp_query(const NtpQueryArgs& a);
int run_ntp_sync(const NtpSyncArgs& a);
int run_ntp_peer(const NtpPeerArgs& a);

}  // namespace synod::app
