#include "synod/timesync/time_server.hpp"

namespace synod::timesync {

Result<TimeReply> TimeServant::now(rpc::ServerCall& call, const TimeRequest& req) {
  Context& ctx = call.endpoint().context();
  const Time t = clock_.read(ctx.now());
  ++served_;
  ctx.observe("serve", {{"client", call.caller()},
                        {"nonce", static_cast<std::int64_t>(req.nonce)},
                        {"t_server", t.ns}});
  return TimeReply{t.ns, req.nonce};
}

}  // namespace synod::timesync
