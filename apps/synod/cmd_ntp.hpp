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
  std::string duration = "10s";
  std::string poll = "1s";
  bool json = false;
};

int run_ntp_serve(const NtpServeArgs& a);
int run_ntp_query(const NtpQueryArgs& a);
int run_ntp_sync(const NtpSyncArgs& a);

}  // namespace synod::app
